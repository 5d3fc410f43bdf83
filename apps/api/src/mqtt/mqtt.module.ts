import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SitesModule } from '../sites/sites.module';
import { SparkplugModule } from '../sparkplug/sparkplug.module';
import { MqttBridge } from './mqtt-bridge';
import { MqttIngest } from './mqtt-ingest.service';
import { MqttListener } from './mqtt-listener';
import { MqttMetrics } from './mqtt.metrics';

// The domain's public surface (eslint.config.mjs): the listener, for its bound port.
export { MqttListener } from './mqtt-listener';
export { BRIDGE_TOKEN_ID } from './mqtt-bridge';

/**
 * MQTT transports into the ingest pipeline: the built-in listener (MQTT_PORT) and the bridge from an existing broker
 * (MQTT_URL). Both are off unless configured.
 */
@Module({
  imports: [AuthModule, SitesModule, SparkplugModule],
  providers: [MqttIngest, MqttListener, MqttBridge, MqttMetrics],
  exports: [MqttListener],
})
export class MqttModule {}
