"""DeepChem DMPNN models for the GNN triage filters: aqueous solubility (ESOL) and Tox21.

Importing this package does not import DeepChem or torch; the submodules do.

- :mod:`molecules.gnn.data` -- load ESOL and Tox21, seeded random splits
- :mod:`molecules.gnn.model` -- build, save and load a DMPNN model directory
- :mod:`molecules.gnn.train` -- ``train_solubility_model``, ``train_toxicity_model``
- :mod:`molecules.gnn.featurize` -- DeepChem's DMPNN features, computed with NumPy
- :mod:`molecules.gnn.fast_forward` -- DeepChem's DMPNN forward on edge lists (inference)
- :mod:`molecules.gnn.predict` -- :class:`GNNPredictor` for batch prediction
- :mod:`molecules.gnn.solubility_filter`, :mod:`molecules.gnn.toxicity_filter` -- the filters
"""
