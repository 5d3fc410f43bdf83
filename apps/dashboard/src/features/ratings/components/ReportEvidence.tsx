import type {
  ChainVerification,
  DataGap,
  EnergySource,
  MeterQuality,
  RatingDetailResponse,
} from '@dcfleet/contracts';
import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { useRatingsFormat } from '../hooks/use-ratings-format';
import { NO_VALUE } from '../../../lib/format';
import { gapHours } from '../api/ratings-data';
import { BundleDownload, ReceiptList, VerifyAgain } from './EvidenceTools';

const MAX_GAPS = 8;

/** The last item of a list cut at `max`: how many more there are. */
function MoreItems({ count, max }: { count: number; max: number }) {
  const { t } = useI18n();
  return count > max ? <li className="muted">{t('report.gapsMore', { n: count - max })}</li> : null;
}

function GapList({ title, gaps, timeZone }: { title: string; gaps: DataGap[]; timeZone?: string }) {
  const { t, fmt } = useI18n();
  const rf = useRatingsFormat();
  return (
    <div className="gap-list">
      <h4>
        {title}: {gaps.length} ({rf.hours(gapHours(gaps))})
      </h4>
      {gaps.length === 0 ? (
        <p className="muted">{t('report.gapsNone')}</p>
      ) : (
        <ul>
          {gaps.slice(0, MAX_GAPS).map((g) => (
            <li key={`${g.from}-${g.to}`}>
              {fmt.dateTime(g.from, timeZone)} – {fmt.dateTime(g.to, timeZone)}
              {g.bridged ? <span className="muted"> · {t('report.gapBridged')}</span> : null}
            </li>
          ))}
          <MoreItems count={gaps.length} max={MAX_GAPS} />
        </ul>
      )}
    </div>
  );
}

const MAX_EVENTS = 8;

/** A meter's source, replacements and glitches (docs/contract.md, "Counters that fall"), for the data-quality section. */
function MeterQualityList({
  title,
  source,
  quality,
  timeZone,
}: {
  title: string;
  source: EnergySource;
  quality: MeterQuality | null | undefined;
  timeZone?: string;
}) {
  const { t, fmt } = useI18n();
  const rf = useRatingsFormat();
  return (
    <div className="gap-list" data-testid="meter-quality">
      <h4>
        {title}: {source ? t(`report.source.${source}`) : NO_VALUE}
      </h4>
      {quality ? (
        <>
          <p>
            {t('report.meterEvents', {
              replacements: quality.replacements,
              glitches: quality.glitches,
              drop: rf.energy(quality.glitchDropKwh),
            })}
          </p>
          {quality.events.length ? (
            <ul>
              {quality.events.slice(0, MAX_EVENTS).map((e) => (
                <li key={`${e.kind}-${e.at}`}>
                  {e.withinDay ? fmt.date(e.at, timeZone) : fmt.dateTime(e.at, timeZone)} ·{' '}
                  {e.kind === 'glitch'
                    ? t('report.glitch', { size: rf.energy(e.size ?? 0) })
                    : e.kind === 'exchange'
                      ? t('report.exchange')
                      : t('report.replacement')}
                </li>
              ))}
              <MoreItems count={quality.events.length} max={MAX_EVENTS} />
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** The report's evidence: receipts and their hash chain, meter exchanges, data gaps, meter quality, revisions. */
export function ReportEvidence({
  r,
  monthName,
}: {
  r: RatingDetailResponse;
  monthName: (month: number) => string;
}) {
  const { t, fmt } = useI18n();
  const rf = useRatingsFormat();
  const gaps = r.evidence.dataGaps;
  // "Verify again" replaces the verification the report was served with.
  const [fresh, setFresh] = useState<ChainVerification | null>(null);
  const v = fresh ?? r.evidence?.chainVerification;

  return (
    <section className="report-section keep-together" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t('report.evidence')}</h2>
      <BundleDownload r={r} />
      <dl className="figures wide">
        <dt>{t('report.receipts')}</dt>
        <dd data-testid="receipt-count">{r.evidence?.receiptCount ?? NO_VALUE}</dd>
        <dt>{t('report.chainHead')}</dt>
        <dd>
          {r.evidence?.chainHead ? (
            <code className="hash">
              {t('report.chainHeadValue', {
                seq: r.evidence.chainHead.seq,
                hash: r.evidence.chainHead.hash,
              })}
            </code>
          ) : (
            NO_VALUE
          )}
        </dd>
        <dt>{t('report.verification')}</dt>
        <dd>
          {v ? (
            <>
              <span
                className={v.valid ? 'ok-text' : 'bad-text'}
                data-testid="chain-valid"
                data-valid={String(v.valid)}
              >
                <span aria-hidden="true">{v.valid ? '✓ ' : '✗ '}</span>
                {v.valid
                  ? t('report.valid')
                  : t('report.broken', {
                      seq: v.firstBroken?.seq ?? '?',
                      reason: v.firstBroken?.reason ?? '?',
                    })}
              </span>
              {v.verifiedAt ? (
                <span className="block small muted" data-testid="verified-at">
                  {t('report.verifiedAt', { time: fmt.dateTime(v.verifiedAt) })}
                </span>
              ) : null}
              <VerifyAgain code={r.code} onVerified={setFresh} />
            </>
          ) : (
            NO_VALUE
          )}
        </dd>
      </dl>
      <ReceiptList code={r.code} timeZone={r.timeZone} />
      {r.evidence.meterExchanges?.length ? (
        <>
          <h3>{t('report.exchanges')}</h3>
          <ul className="gap-list" data-testid="meter-exchanges">
            {r.evidence.meterExchanges.map((x) => (
              <li key={x.id}>
                {fmt.dateTime(x.at, r.timeZone)} · {x.metric} ·{' '}
                {t('report.exchangeReadings', { old: x.oldFinal, new: x.newInitial })} ·{' '}
                {t(`report.exchangeStatus.${x.status ?? 'applied'}`)} · {x.recordedBy}
                {x.note ? ` · ${x.note}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('report.gaps')}</h3>
      {r.timeZone ? <p className="muted small">{t('report.timesIn', { zone: r.timeZone })}</p> : null}
      <div className="gaps">
        <GapList title={t('report.gapsFacility')} gaps={gaps.facility} timeZone={r.timeZone} />
        <GapList title={t('report.gapsIt')} gaps={gaps.it} timeZone={r.timeZone} />
      </div>
      <h3>{t('report.dataQuality')}</h3>
      <div className="gaps">
        <MeterQualityList
          title={t('report.gapsFacility')}
          source={r.sources.facility}
          quality={r.meters?.facility}
          timeZone={r.timeZone}
        />
        <MeterQualityList
          title={t('report.gapsIt')}
          source={r.sources.it}
          quality={r.meters?.it}
          timeZone={r.timeZone}
        />
      </div>
      <h3>{t('report.revisions')}</h3>
      {r.revisions?.length ? (
        <ul>
          {r.revisions.map((rev) => (
            <li key={rev.id}>
              {t('report.revisionRow', {
                time: fmt.dateTime(rev.revisedAt),
                from: rf.pue(rev.previousPue),
                to: rf.pue(rev.pue),
                reason: rev.month ? `${monthName(rev.month)}: ${rev.reason}` : rev.reason,
              })}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('report.revisionsNone')}</p>
      )}
    </section>
  );
}
