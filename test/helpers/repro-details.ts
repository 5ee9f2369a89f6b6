// Test helpers: run details built around the real environment fixtures (test/fixtures/envs).
import { readFileSync } from 'node:fs';
import { type EnvironmentFile, type RunDetailInput, type RunDetailRecord, parseRunDetail } from '../../src/core/workspace/index.ts';

const root = new URL('../fixtures/envs/', import.meta.url);
export const envFixture = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** An environment file of the detail, read from a fixture, stored under `storedAs`. */
export const envFile = (kind: EnvironmentFile['kind'], path: string, storedAs = path): EnvironmentFile => ({ kind, path: storedAs, text: envFixture(path) });

const COUNTRY_GUESS = 'JortdeJong13__country-guess/mlruns/0/73a1c9a8038c4ad8bb32cf6ddfa937e7/artifacts/model';

/** The country-guess model folder as the MLflow importer stores it (paths under the artifacts). */
export const countryGuessModel = (): EnvironmentFile[] => [
  envFile('mlmodel', `${COUNTRY_GUESS}/MLmodel`, 'model/MLmodel'),
  envFile('pip', `${COUNTRY_GUESS}/requirements.txt`, 'model/requirements.txt'),
  envFile('python_env', `${COUNTRY_GUESS}/python_env.yaml`, 'model/python_env.yaml'),
  envFile('conda', `${COUNTRY_GUESS}/conda.yaml`, 'model/conda.yaml'),
];

/** A run detail with everything recorded; override what a test is about. */
export function detail(over: Partial<RunDetailInput> = {}): RunDetailRecord {
  return parseRunDetail({
    kind: 'driftdesk-run',
    version: 1,
    source: 'api:train-42',
    name: 'resnet-sweep-7',
    experiment: 'country-guess',
    status: 'finished',
    startTime: 1_700_000_000_000,
    endTime: 1_700_000_600_000,
    params: { learning_rate: '0.001', nr_epochs: '12' },
    tags: {},
    metrics: {},
    artifacts: null,
    code: { repo: 'https://github.com/JortdeJong13/country-guess.git', commit: '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60', branch: 'main', dirty: false },
    dataVersions: [{ name: 'data/MNIST/raw', hash: '8c257df187855c681f88bde92d721ccd.dir', kind: 'dvc', path: 'data/MNIST/raw', remote: 'storage' }],
    environment: countryGuessModel(),
    seed: 42,
    ...over,
  });
}
