import { describe, expect, it } from 'vitest';
import { mlPackageRank } from './ml-packages.ts';
import { condaPackageKey, normalizePackageName, PROJECT_NAME } from './package-name.ts';

describe('package names', () => {
  it("normalizes as PEP 503 does (the PyPA name-normalization spec's own examples)", () => {
    for (const name of ['friendly-bard', 'Friendly-Bard', 'FRIENDLY-BARD', 'friendly.bard', 'friendly_bard', 'friendly--bard', 'FrIeNdLy-._.-bArD']) {
      expect(normalizePackageName(name), name).toBe('friendly-bard');
    }
    expect(normalizePackageName('typing_extensions')).toBe('typing-extensions');
    expect(normalizePackageName('lazr.restfulclient')).toBe('lazr-restfulclient');
  });

  it('accepts PEP 508 project names only', () => {
    for (const ok of ['a', 'torch', 'ruamel.yaml', 'zope.interface', 'py-cpuinfo', 'A1_b']) expect(PROJECT_NAME.test(ok), ok).toBe(true);
    for (const bad of ['', '-a', 'a-', 'a b', 'a/b', 'torch==1', '.']) expect(PROJECT_NAME.test(bad), bad).toBe(false);
  });

  it('maps the conda names whose PyPI project is spelled otherwise', () => {
    expect(['pytorch', 'py-xgboost', 'pytables', 'matplotlib-base', 'numpy', 'IPython'].map(condaPackageKey)).toEqual(['torch', 'xgboost', 'tables', 'matplotlib', 'numpy', 'ipython']);
  });

  it('ranks the packages that matter: GPU stack, frameworks, classical ML, hubs, numerics, loaders', () => {
    const ranked = ['numpy', 'mlflow', 'torch', 'nvidia-cudnn-cu12', 'scikit-learn', 'transformers', 'cuda-python'].sort((a, b) => mlPackageRank(a)! - mlPackageRank(b)!);
    expect(ranked).toEqual(['cuda-python', 'nvidia-cudnn-cu12', 'torch', 'scikit-learn', 'transformers', 'numpy', 'mlflow']);
    expect(mlPackageRank('Scikit_Learn')).toBe(mlPackageRank('scikit-learn'));
    expect(mlPackageRank('requests')).toBeUndefined();
  });
});
