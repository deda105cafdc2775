"""Third-party noise no qdp user needs, silenced in one place for the CLI and the flows.

RDKit's per-molecule parse messages are disabled where molecules are parsed
(:mod:`molecules.standardize`, :mod:`surrogates.featurize`), so importing RDKit is not
needed here and ``qdp --help`` stays fast.
"""

from __future__ import annotations

import logging
import warnings


def silence_third_party() -> None:
    """Silence DeepChem's reports of every optional backend it lacks (DGL, JAX, TensorFlow,
    ...) and the torch warning raised from its training loop."""
    logging.getLogger("deepchem").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad")
