/**
 * Published grid emission factors the reference-data migration seeds (kgCO₂/kWh). Values of the Ministry of Ecology
 * and Environment (MEE) and the National Bureau of Statistics (NBS) announcements on electricity CO₂ emission
 * factors. The Southern region covers Guangdong, Guangxi, Yunnan, Guizhou and Hainan (the China Southern Grid).
 * Provincial factors (Guizhou's own) are left to the hub's admin: Admin → Emission factors.
 */
export const SEED_EMISSION_FACTORS: readonly {
  region: string;
  year: number;
  factor: number;
  source: string;
}[] = [
  {
    region: 'CN',
    year: 2021,
    factor: 0.5568,
    source: 'MEE & NBS, 2021 electricity CO2 emission factors (announced 12 Apr 2024): national average',
  },
  {
    region: 'CN',
    year: 2022,
    factor: 0.5366,
    source: 'MEE & NBS, 2022 electricity CO2 emission factors (announced 26 Dec 2024): national average',
  },
  {
    region: 'CN-South',
    year: 2022,
    factor: 0.3869,
    source: 'MEE & NBS, 2022 electricity CO2 emission factors (announced 26 Dec 2024): Southern region',
  },
];
