export * from './types.ts';
export { detectColumnDrift, resolveStatTest } from './column-drift.ts';
export {
  evidentlyColumnType,
  NUMBER_UNIQUE_AS_CATEGORICAL,
  type ColumnSide,
  type EvidentlyColumnType,
  type PandasDtype,
} from './column-type.ts';
export { detectDatasetDrift, summarizeDrift, DEFAULT_DRIFT_SHARE } from './dataset-drift.ts';
export { STAT_TESTS, defaultStatTest, defaultStatTestFor, isStatTestName, SMALL_REFERENCE_MAX_ROWS, type StatTestSpec } from './stat-tests.ts';
export { ksTwoSample, ksStatistic, KS_MAX_EXACT_N, type KsResult } from './ks.ts';
export { chiSquareTest, type ChiSquareResult } from './chisquare.ts';
export { zTest, type ZTestResult } from './z-test.ts';
export { wassersteinDistance, wassersteinDistanceNorm, WASSERSTEIN_MIN_STD } from './wasserstein.ts';
export {
  jensenShannonDistance,
  klDivergence,
  populationStabilityIndex,
  jensenShannonDrift,
  psiDrift,
  klDivDrift,
} from './binned-distances.ts';
export { hellingerDrift } from './hellinger.ts';
export { binnedShares, sturgesBinEdges, histogramCounts, type BinnedShares, type CategoryValue } from './binning.ts';
export { kolmogorovSf } from './kolmogorov-sf.ts';
export { smirnovSf } from './smirnov.ts';
export { chiSquareSf, regularizedGammaQ, logGamma, normalTwoSidedP } from './special-functions.ts';
export {
  columnMappingSchema,
  columnOverrideSchema,
  checkMapping,
  driftOptionsOf,
  mappedColumns,
  probaColumns,
  proposeMapping,
  untestedColumns,
  MAX_MAPPED_COLUMNS,
  type ColumnMapping,
  type ColumnMappingInput,
  type ColumnOverride,
  type ColumnSketch,
  type MappedDriftOptions,
  type MappingIssue,
  type UntestedRole,
} from './column-mapping.ts';
