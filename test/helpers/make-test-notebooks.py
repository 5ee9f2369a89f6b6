"""Writes real notebooks for the notebook tests, with Debian's nbformat/nbconvert/ipykernel.

Usage: /usr/bin/python3 make-test-notebooks.py OUTDIR [--execute]

Writes, into OUTDIR:
- pairs of notebooks made by editing, moving, adding and deleting cells (nbformat 4.5, with cell
  ids) and the same pairs without ids (nbformat 4.4, for content matching), plus expected.json:
  what was done to which cell, the oracle the diff is checked against;
- v3.ipynb: the base notebook converted to nbformat 3 by nbformat itself;
- with --execute, executed.ipynb: run by nbconvert's ExecutePreprocessor so it holds a pandas
  table, a matplotlib PNG, ANSI-coloured stream output and an error.
"""
import copy
import json
import os
import sys

import nbformat
from nbformat import v4

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def base():
    nb = v4.new_notebook()
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nb.metadata['language_info'] = {'name': 'python'}
    nb.cells = [
        v4.new_markdown_cell('# Churn model\n\nThe loss is $L = -\\sum_i y_i \\log p_i$.', id='intro'),
        v4.new_code_cell('import math\nx = 1\ny = 2', id='imports'),
        v4.new_code_cell('def area(r):\n    return math.pi * r ** 2\n\narea(2)', id='area'),
        v4.new_markdown_cell('## Training\n\nWe train for ten epochs.', id='training-md'),
        v4.new_code_cell('for epoch in range(10):\n    print(epoch)', id='loop'),
        v4.new_code_cell('result = x + y\nresult', id='result'),
    ]
    nb.cells[2].execution_count = 3
    nb.cells[2].outputs = [v4.new_output('execute_result', data={'text/plain': '12.566370614359172'}, execution_count=3)]
    return nb

def save(nb, name):
    nbformat.validate(nb)
    nbformat.write(nb, os.path.join(out, name))

expected = {}
b = base()
save(b, 'base.ipynb')

e = copy.deepcopy(b)
e.cells[2].source = 'def area(radius):\n    return math.pi * radius ** 2\n\narea(2)'
save(e, 'edit.ipynb')
expected['edit'] = {'modified': ['area'], 'added': [], 'removed': [], 'moved': []}

m = copy.deepcopy(b)
m.cells.insert(1, m.cells.pop(4))
save(m, 'move.ipynb')
expected['move'] = {'modified': [], 'added': [], 'removed': [], 'moved': ['loop']}

a = copy.deepcopy(b)
a.cells.insert(3, v4.new_code_cell('print("a new cell")', id='added-cell'))
save(a, 'add.ipynb')
expected['add'] = {'modified': [], 'added': ['added-cell'], 'removed': [], 'moved': []}

d = copy.deepcopy(b)
del d.cells[1]
save(d, 'delete.ipynb')
expected['delete'] = {'modified': [], 'added': [], 'removed': ['imports'], 'moved': []}

# Only an execution count and metadata change: hidden unless asked for.
x = copy.deepcopy(b)
x.cells[2].execution_count = 7
x.cells[2].outputs[0]['execution_count'] = 7
x.cells[5].metadata['tags'] = ['slow']
save(x, 'rerun.ipynb')
expected['rerun'] = {'modified': [], 'added': [], 'removed': [], 'moved': []}

# The same pairs as nbformat 4.4 (no cell ids): identity falls back to content.
def no_ids(nb):
    nb = copy.deepcopy(nb)
    nb.nbformat_minor = 4
    for c in nb.cells:
        c.pop('id', None)
    return nb

for name in ['base', 'edit', 'move', 'add', 'delete']:
    src = nbformat.read(os.path.join(out, name + '.ipynb'), as_version=4)
    nbformat.write(no_ids(src), os.path.join(out, name + '-noid.ipynb'))

nbformat.write(nbformat.convert(b, 3), os.path.join(out, 'v3.ipynb'))

with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)

if '--execute' in sys.argv:
    from nbconvert.preprocessors import ExecutePreprocessor
    nb = v4.new_notebook()
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nb.cells = [
        v4.new_markdown_cell('# Executed\n\nEuler: $e^{i\\pi} + 1 = 0$', id='md'),
        v4.new_code_cell('import pandas as pd\ndf = pd.DataFrame({"feature": ["age", "income"], "psi": [0.12, 0.31]})\ndf', id='table'),
        v4.new_code_cell('%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 4, 3])\nplt.show()', id='plot'),
        v4.new_code_cell('print("\\x1b[31mdrift detected\\x1b[0m and \\x1b[1;32mok\\x1b[0m")', id='ansi'),
        v4.new_code_cell('1 / 0', id='boom'),
    ]
    ExecutePreprocessor(timeout=120, kernel_name='python3', allow_errors=True).preprocess(nb, {'metadata': {'path': out}})
    nbformat.write(nb, os.path.join(out, 'executed.ipynb'))
