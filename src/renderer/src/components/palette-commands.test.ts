import { describe, expect, it } from 'vitest';
import { monitorCommands, monitorResults } from './palette-commands';

describe('monitors in the palette', () => {
  const monitors = monitorCommands('ws', [
    { id: 'm1', name: 'Churn production', model: 'churn-classifier' },
    { id: 'm2', name: 'Rain forecast', model: 'rain' },
  ]);

  it('finds monitors by name, model or the word "monitor"', () => {
    expect(monitorResults(monitors, 'churn').map((c) => c.label)).toEqual(['Churn production']);
    expect(monitorResults(monitors, 'rain').map((c) => c.label)).toEqual(['Rain forecast']);
    expect(monitorResults(monitors, 'monitor').map((c) => c.label)).toEqual(['Churn production', 'Rain forecast']);
    expect(monitorResults(monitors, 'fraud')).toEqual([]);
  });

  it('lists none before anything is typed', () => {
    expect(monitorResults(monitors, '  ')).toEqual([]);
  });
});
