/**
 * The demo fleet: 25 fictional data centers of the Guizhou hub (Gui'an cluster) at real prefectures and
 * coordinates, 8 of them flagged national green data centers. Operators and site names (English and Chinese) are
 * invented; any resemblance to a real company is unintended.
 */
import type { CreateDataCenterInput, NameKind, PueCategory } from '@dcfleet/contracts';
import type { Prefecture } from './climate';

export const HUB = "Guizhou hub / Gui'an cluster";
/** The hub's Chinese name: 全国一体化算力网络 贵州枢纽, 贵安数据中心集群. */
export const HUB_ZH = '贵州枢纽 / 贵安数据中心集群';
export const TIME_ZONE = 'Asia/Shanghai';
/**
 * Grid region of the demo sites: their CUE uses the region's published factors (the `emission_factors` table). Guizhou
 * is in the Southern region (China Southern Power Grid).
 */
export const GRID_REGION = 'CN-South';
/**
 * A site-specific factor (kgCO₂e/kWh) one operator reports with: the power-sector reporting value of the MEE's
 * 2023 notice, which dcfleet shows as "the site's own factor".
 */
export const OWN_REPORTING_EF = 0.5703;

/**
 * How the IT load moves: consumer cloud peaks in the evening, enterprise/government clouds on weekday office
 * hours, AI training is flat and high, backup/disaster-recovery sites idle with a nightly backup window.
 */
export type LoadProfile = 'cloud' | 'ai' | 'enterprise' | 'backup';

/** The site as registered with dcfleet: every field set (CreateDataCenterInput with nothing left out). */
export type DemoSite = Required<CreateDataCenterInput> & {
  itCapacityKw: number;
  racks: number;
  latitude: number;
  longitude: number;
  timezone: string;
  commissionedAt: string;
};

export interface DemoSiteSpec {
  site: DemoSite;
  prefecture: Prefecture;
  /** Flagged national green data center (greenCertifiedYear set). */
  green: boolean;
  profile: LoadProfile;
  /** Intended annual PUE (energy-weighted over a typical year); the model is calibrated to it. */
  targetPue: number;
  /** Share of racks occupied on 1 January 2025, and its growth per year (absolute). */
  occupancy: number;
  growthPerYear: number;
  /** Mean draw of an occupied rack as a share of its design power. */
  utilization: number;
  /** Outdoor temperature below which cooling runs (almost) on free cooling, °C. */
  economizerC: number;
  /**
   * Cooling power that runs all year (fans, pumps; a chilled-water plant's towers and CRAHs), and the extra
   * per °C above the economizer limit, as shares of IT power. Shapes only: the scale is calibrated.
   */
  coolingBase: number;
  coolingSlope: number;
  /** Supply-air set point: the typical IT inlet temperature, °C. */
  setpointC: number;
  /** Intended annual water usage effectiveness, L/kWh IT (evaporative cooling: more in summer). */
  targetWue: number;
  /** Annual share of facility energy bought as hydro power with certificates (0: no renewable meter). */
  renewableShare: number;
  /** Share of IT heat exported to a heat network at full heating demand (0: no heat reuse). */
  heatReuse: number;
  /** Local climate adjustment against the prefecture (altitude), °C. */
  climateAdjustC: number;
  /** IT zones (cold aisles / halls) with inlet temperature and humidity sensors. */
  zones: string[];
}

const ZONE_NAMES = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'D1', 'D2'];

function zonesFor(capacityKw: number): string[] {
  const n = capacityKw >= 40_000 ? 8 : capacityKw >= 20_000 ? 6 : capacityKw >= 10_000 ? 4 : 3;
  return ZONE_NAMES.slice(0, n);
}

interface Row {
  code: string;
  name: string;
  /** The site's Chinese name (as invented as the English one). */
  zh: string;
  operator: string;
  prefecture: Prefecture;
  lat: number;
  lon: number;
  mw: number;
  racks: number;
  green?: number;
  category?: PueCategory;
  profile: LoadProfile;
  pue: number;
  commissioned: string;
  occupancy?: number;
  growth?: number;
  utilization?: number;
  economizerC?: number;
  coolingBase?: number;
  coolingSlope?: number;
  setpointC?: number;
  wue: number;
  renewable: number;
  heatReuse?: number;
  climateAdjustC?: number;
  ef?: number;
}

const PROFILE_DEFAULTS: Record<LoadProfile, { occupancy: number; growth: number; utilization: number }> = {
  cloud: { occupancy: 0.72, growth: 0.06, utilization: 0.62 },
  ai: { occupancy: 0.8, growth: 0.07, utilization: 0.86 },
  enterprise: { occupancy: 0.64, growth: 0.03, utilization: 0.55 },
  backup: { occupancy: 0.46, growth: 0.02, utilization: 0.38 },
};

/**
 * The operator companies of the demo fleet, one organisation each (docs/architecture.md "Organisations and scope"):
 * each owns the sites it operates, its users see only them.
 */
export const DEMO_ORGANIZATIONS = [
  { code: 'YELANG', name: 'Yelang Cloud Works Co., Ltd.', nameZh: '夜郎云工有限公司' },
  { code: 'KARST-PEAK', name: 'Karst Peak Computing Co., Ltd.', nameZh: '喀斯特峰计算有限公司' },
  { code: 'HONGFENG', name: 'Hongfeng Lake Compute Co.', nameZh: '红枫湖算力有限公司' },
  { code: 'MIAOLING', name: 'Miaoling Digital Park Co.', nameZh: '苗岭数字园有限公司' },
  { code: 'NANMING', name: 'Nanming River Cloud Services Ltd.', nameZh: '南明河云服务有限公司' },
  { code: 'LEIGONG', name: 'Leigong Hill Data Ltd.', nameZh: '雷公山数据有限公司' },
  { code: 'AZALEA', name: 'Azalea Ridge Data Co.', nameZh: '杜鹃岭数据有限公司' },
  { code: 'LOUSHAN', name: 'Loushan Data Harbour Ltd.', nameZh: '娄山数据港有限公司' },
  { code: 'WUMENG', name: 'Wumeng Highland Compute Ltd.', nameZh: '乌蒙高原算力有限公司' },
  { code: 'FANJING', name: 'Fanjing Green Compute Co.', nameZh: '梵净绿色算力有限公司' },
] as const;

/** Chinese names of the prefectures (the sites' `region`). */
export const PREFECTURE_ZH: Readonly<Record<Prefecture, string>> = {
  "Gui'an New Area": '贵安新区',
  Guiyang: '贵阳',
  Zunyi: '遵义',
  Liupanshui: '六盘水',
  Anshun: '安顺',
  Bijie: '毕节',
  Tongren: '铜仁',
  Qiandongnan: '黔东南',
  Qiannan: '黔南',
  Qianxinan: '黔西南',
};

/**
 * The hub's name list for the demo (PUT /api/v1/names): the Chinese names of its regions, hub and operators. Each is
 * one entry however many sites carry the value.
 */
export const DEMO_NAMES: readonly { kind: NameKind; name: string; nameZh: string }[] = [
  ...Object.entries(PREFECTURE_ZH).map(([name, nameZh]) => ({ kind: 'region' as const, name, nameZh })),
  { kind: 'hub', name: HUB, nameZh: HUB_ZH },
  ...DEMO_ORGANIZATIONS.map((o) => ({ kind: 'operator' as const, name: o.name, nameZh: o.nameZh })),
];

function organizationOf(operator: string): string {
  const org = DEMO_ORGANIZATIONS.find((o) => o.name === operator);
  if (!org) throw new Error(`demo operator ${operator} has no organisation`);
  return org.code;
}

function spec(r: Row): DemoSiteSpec {
  const d = PROFILE_DEFAULTS[r.profile];
  const green = r.green !== undefined;
  return {
    site: {
      code: r.code,
      name: r.name,
      nameZh: r.zh,
      operator: r.operator,
      organization: organizationOf(r.operator),
      region: r.prefecture,
      hub: HUB,
      latitude: r.lat,
      longitude: r.lon,
      timezone: TIME_ZONE,
      itCapacityKw: r.mw * 1000,
      racks: r.racks,
      pueCategory: r.category ?? 1,
      gridRegion: GRID_REGION,
      gridEmissionFactor: r.ef ?? null,
      greenCertifiedYear: r.green ?? null,
      commissionedAt: r.commissioned,
    },
    prefecture: r.prefecture,
    green,
    profile: r.profile,
    targetPue: r.pue,
    occupancy: r.occupancy ?? d.occupancy,
    growthPerYear: r.growth ?? d.growth,
    utilization: r.utilization ?? d.utilization,
    economizerC: r.economizerC ?? (green ? 18 : 13),
    coolingBase: r.coolingBase ?? (green ? 0.035 : 0.1),
    coolingSlope: r.coolingSlope ?? (green ? 0.011 : 0.013),
    setpointC: r.setpointC ?? (green ? 24 : 22.5),
    targetWue: r.wue,
    renewableShare: r.renewable,
    heatReuse: r.heatReuse ?? 0,
    climateAdjustC: r.climateAdjustC ?? 0,
    zones: zonesFor(r.mw * 1000),
  };
}

// One site per line, so the fleet reads as a table.
// prettier-ignore
const ROWS: Row[] = [
  // Gui'an New Area: the hub's core cluster.
  { code: 'GZ-GA-01', name: "Gui'an Yelang Campus Hall 1", zh: '贵安夜郎园区1号楼', operator: 'Yelang Cloud Works Co., Ltd.', prefecture: "Gui'an New Area", lat: 26.417, lon: 106.433, mw: 60, racks: 12_000, green: 2021, profile: 'cloud', pue: 1.18, commissioned: '2018-09-01', wue: 0.62, renewable: 0.52 },
  { code: 'GZ-GA-02', name: "Gui'an Karst Peak Campus", zh: '贵安喀斯特峰园区', operator: 'Karst Peak Computing Co., Ltd.', prefecture: "Gui'an New Area", lat: 26.383, lon: 106.361, mw: 48, racks: 9_600, green: 2022, profile: 'cloud', pue: 1.2, commissioned: '2019-05-20', wue: 0.78, renewable: 0.45 },
  { code: 'GZ-GA-03', name: "Gui'an Hongfeng AI Compute Center", zh: '贵安红枫湖智算中心', operator: 'Hongfeng Lake Compute Co.', prefecture: "Gui'an New Area", lat: 26.512, lon: 106.398, mw: 40, racks: 4_000, green: 2023, category: 2, profile: 'ai', pue: 1.16, commissioned: '2022-06-30', economizerC: 20, coolingSlope: 0.008, wue: 0.28, renewable: 0.6 },
  { code: 'GZ-GA-04', name: "Gui'an Miaoling Digital Park A", zh: '贵安苗岭数字园A区', operator: 'Miaoling Digital Park Co.', prefecture: "Gui'an New Area", lat: 26.355, lon: 106.482, mw: 30, racks: 6_000, profile: 'cloud', pue: 1.32, commissioned: '2020-11-01', wue: 1.35, renewable: 0.12 },
  { code: 'GZ-GA-05', name: "Gui'an Nanming Cloud East", zh: '贵安南明云东区', operator: 'Nanming River Cloud Services Ltd.', prefecture: "Gui'an New Area", lat: 26.441, lon: 106.517, mw: 36, racks: 7_200, green: 2024, profile: 'enterprise', pue: 1.23, commissioned: '2021-06-15', wue: 0.85, renewable: 0.38, heatReuse: 0.14 },
  { code: 'GZ-GA-06', name: "Gui'an Yelang Campus Hall 2", zh: '贵安夜郎园区2号楼', operator: 'Yelang Cloud Works Co., Ltd.', prefecture: "Gui'an New Area", lat: 26.405, lon: 106.447, mw: 24, racks: 4_800, profile: 'cloud', pue: 1.29, commissioned: '2022-03-01', wue: 1.1, renewable: 0.15 },
  { code: 'GZ-GA-07', name: "Gui'an Karst Peak AI Hall", zh: '贵安喀斯特峰智算楼', operator: 'Karst Peak Computing Co., Ltd.', prefecture: "Gui'an New Area", lat: 26.391, lon: 106.372, mw: 20, racks: 2_000, category: 2, profile: 'ai', pue: 1.27, commissioned: '2025-08-01', occupancy: 0.55, growth: 0.2, wue: 0.45, renewable: 0.2 },
  // Guiyang: older city sites.
  { code: 'GZ-GY-01', name: 'Guiyang Guanshanhu Data Tower', zh: '贵阳观山湖数据大厦', operator: 'Nanming River Cloud Services Ltd.', prefecture: 'Guiyang', lat: 26.611, lon: 106.622, mw: 12, racks: 2_400, profile: 'enterprise', pue: 1.38, commissioned: '2016-04-01', wue: 1.5, renewable: 0.05, heatReuse: 0.1 },
  { code: 'GZ-GY-02', name: 'Guiyang Huaxi Compute Center', zh: '贵阳花溪算力中心', operator: 'Hongfeng Lake Compute Co.', prefecture: 'Guiyang', lat: 26.431, lon: 106.671, mw: 18, racks: 3_600, category: 2, profile: 'cloud', pue: 1.27, commissioned: '2019-03-15', wue: 1.05, renewable: 0.22 },
  { code: 'GZ-GY-03', name: 'Guiyang Baiyun Backup Center', zh: '贵阳白云灾备中心', operator: 'Leigong Hill Data Ltd.', prefecture: 'Guiyang', lat: 26.678, lon: 106.633, mw: 8, racks: 1_600, profile: 'backup', pue: 1.53, commissioned: '2014-10-01', economizerC: 10, coolingSlope: 0.016, setpointC: 21, wue: 1.75, renewable: 0 },
  { code: 'GZ-GY-04', name: 'Guiyang Wudang Edge Hub', zh: '贵阳乌当边缘节点', operator: 'Azalea Ridge Data Co.', prefecture: 'Guiyang', lat: 26.722, lon: 106.751, mw: 6, racks: 1_200, profile: 'enterprise', pue: 1.45, commissioned: '2017-07-01', economizerC: 11, wue: 1.6, renewable: 0 },
  // Zunyi.
  { code: 'GZ-ZY-01', name: 'Zunyi Xinpu Data Hall', zh: '遵义新蒲数据中心', operator: 'Loushan Data Harbour Ltd.', prefecture: 'Zunyi', lat: 27.701, lon: 107.004, mw: 15, racks: 3_000, profile: 'cloud', pue: 1.36, commissioned: '2020-09-01', wue: 1.3, renewable: 0.1 },
  { code: 'GZ-ZY-02', name: 'Zunyi Loushan Pass Compute', zh: '遵义娄山关算力中心', operator: 'Loushan Data Harbour Ltd.', prefecture: 'Zunyi', lat: 27.782, lon: 106.861, mw: 10, racks: 2_000, profile: 'enterprise', pue: 1.42, commissioned: '2018-12-01', wue: 1.45, renewable: 0.08, ef: OWN_REPORTING_EF },
  // Liupanshui: cool western plateau.
  { code: 'GZ-LP-01', name: 'Liupanshui Wumeng Highland DC', zh: '六盘水乌蒙高原数据中心', operator: 'Wumeng Highland Compute Ltd.', prefecture: 'Liupanshui', lat: 26.561, lon: 104.887, mw: 25, racks: 5_000, green: 2023, profile: 'cloud', pue: 1.17, commissioned: '2020-05-01', wue: 0.55, renewable: 0.48 },
  { code: 'GZ-LP-02', name: 'Liupanshui Shuicheng Data Park', zh: '六盘水水城数据园', operator: 'Wumeng Highland Compute Ltd.', prefecture: 'Liupanshui', lat: 26.547, lon: 104.957, mw: 9, racks: 1_800, profile: 'enterprise', pue: 1.31, commissioned: '2021-10-01', wue: 1.15, renewable: 0.1 },
  // Anshun.
  { code: 'GZ-AS-01', name: 'Anshun Pingba Compute Center', zh: '安顺平坝算力中心', operator: 'Yelang Cloud Works Co., Ltd.', prefecture: 'Anshun', lat: 26.407, lon: 106.253, mw: 32, racks: 6_400, green: 2024, profile: 'cloud', pue: 1.21, commissioned: '2021-03-01', wue: 0.7, renewable: 0.4 },
  { code: 'GZ-AS-02', name: 'Anshun Huangguoshu Data Hall', zh: '安顺黄果树数据中心', operator: 'Karst Peak Computing Co., Ltd.', prefecture: 'Anshun', lat: 26.245, lon: 105.932, mw: 7, racks: 1_400, profile: 'backup', pue: 1.47, commissioned: '2017-05-01', economizerC: 11, coolingSlope: 0.015, wue: 1.55, renewable: 0.05 },
  // Bijie.
  { code: 'GZ-BJ-01', name: 'Bijie Qixingguan Cloud Hall', zh: '毕节七星关云计算中心', operator: 'Azalea Ridge Data Co.', prefecture: 'Bijie', lat: 27.302, lon: 105.298, mw: 14, racks: 2_800, profile: 'cloud', pue: 1.3, commissioned: '2020-07-01', wue: 1.2, renewable: 0.12 },
  { code: 'GZ-BJ-02', name: 'Bijie Weining Plateau DC', zh: '毕节威宁高原数据中心', operator: 'Wumeng Highland Compute Ltd.', prefecture: 'Bijie', lat: 26.872, lon: 104.279, mw: 22, racks: 4_400, green: 2021, profile: 'cloud', pue: 1.16, commissioned: '2019-08-01', climateAdjustC: -2.6, economizerC: 19, wue: 0.42, renewable: 0.55 },
  // Tongren: low, hot summers.
  { code: 'GZ-TR-01', name: 'Tongren Dalong Data Center', zh: '铜仁大龙数据中心', operator: 'Fanjing Green Compute Co.', prefecture: 'Tongren', lat: 27.473, lon: 109.004, mw: 12, racks: 2_400, profile: 'enterprise', pue: 1.51, commissioned: '2016-09-01', economizerC: 10, coolingSlope: 0.016, wue: 1.8, renewable: 0.06 },
  // Qiandongnan.
  { code: 'GZ-QD-01', name: 'Kaili Miao Ridge Compute', zh: '凯里苗岭算力中心', operator: 'Leigong Hill Data Ltd.', prefecture: 'Qiandongnan', lat: 26.566, lon: 107.981, mw: 16, racks: 3_200, category: 3, profile: 'cloud', pue: 1.39, commissioned: '2019-11-01', wue: 1.4, renewable: 0.1 },
  { code: 'GZ-QD-02', name: 'Qiandongnan Leigong Hill Hall', zh: '黔东南雷公山数据中心', operator: 'Leigong Hill Data Ltd.', prefecture: 'Qiandongnan', lat: 26.383, lon: 108.077, mw: 5, racks: 1_000, profile: 'enterprise', pue: 1.44, commissioned: '2018-04-01', wue: 1.5, renewable: 0 },
  // Qiannan.
  { code: 'GZ-QN-01', name: 'Qiannan Longli Compute Park', zh: '黔南龙里算力园', operator: 'Hongfeng Lake Compute Co.', prefecture: 'Qiannan', lat: 26.452, lon: 106.979, mw: 28, racks: 5_600, green: 2022, category: 2, profile: 'cloud', pue: 1.19, commissioned: '2020-02-01', wue: 0.66, renewable: 0.42 },
  { code: 'GZ-QN-02', name: 'Duyun Maojian Data Hall', zh: '都匀毛尖数据中心', operator: 'Fanjing Green Compute Co.', prefecture: 'Qiannan', lat: 26.259, lon: 107.518, mw: 6, racks: 1_200, profile: 'enterprise', pue: 1.34, commissioned: '2021-01-15', wue: 1.25, renewable: 0.08 },
  // Qianxinan: mild summers in the south-west.
  { code: 'GZ-QX-01', name: 'Xingyi Wanfenglin Data Center', zh: '兴义万峰林数据中心', operator: 'Miaoling Digital Park Co.', prefecture: 'Qianxinan', lat: 25.087, lon: 104.905, mw: 10, racks: 2_000, profile: 'cloud', pue: 1.33, commissioned: '2020-06-01', wue: 1.2, renewable: 0.1 },
];

/** All 25 demo sites, in a stable order (the order `--sites N` picks from). */
export const DEMO_FLEET: readonly DemoSiteSpec[] = ROWS.map(spec);

/** Intended band of a site's annual PUE: green sites 1.15–1.25, the others 1.25–1.55. */
export function intendedPueBand(s: DemoSiteSpec): [number, number] {
  return s.green ? [1.15, 1.25] : [1.25, 1.55];
}

/**
 * Sites by selector: a count (the first N, up to 25), or site codes. Unknown codes throw. With more than
 * 25 requested (load generation), extra sites are clones with codes GZ-SIM-026… of the catalog's sites.
 */
export function selectSites(selector?: number | readonly string[]): DemoSiteSpec[] {
  if (selector === undefined) return [...DEMO_FLEET];
  if (typeof selector === 'number') {
    if (!Number.isInteger(selector) || selector < 1)
      throw new Error('the number of sites must be a whole number ≥ 1');
    const out = DEMO_FLEET.slice(0, selector);
    for (let i = DEMO_FLEET.length; i < selector; i++) {
      const base = DEMO_FLEET[i % DEMO_FLEET.length]!;
      const code = `GZ-SIM-${String(i + 1).padStart(3, '0')}`;
      const name = `${base.site.name} (load clone ${i + 1})`;
      const nameZh = `${base.site.nameZh}（负载克隆 ${i + 1}）`;
      out.push({ ...base, site: { ...base.site, code, name, nameZh } });
    }
    return out;
  }
  return selector.map((code) => {
    const found = DEMO_FLEET.find((s) => s.site.code === code.toUpperCase());
    if (!found)
      throw new Error(`unknown demo site ${code} (known: ${DEMO_FLEET.map((s) => s.site.code).join(', ')})`);
    return found;
  });
}
