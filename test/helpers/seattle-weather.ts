import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One year of vega-datasets' seattle-weather.csv (real NOAA data) as CSV text, header included.
 * 2012 is the usual reference: temp_max drifts in 2014 and 2015 (KS p < 0.01), not in 2013 (p = 0.09).
 */
export function seattleWeatherYear(year: number): string {
  // The package's exports hide its data folder from resolve(); it sits in node_modules.
  const path = join(import.meta.dirname, '../../node_modules/vega-datasets/data/seattle-weather.csv');
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return [header, ...lines.filter((l) => l.startsWith(`${year}-`))].join('\n') + '\n';
}
