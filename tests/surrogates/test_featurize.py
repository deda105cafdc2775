from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from surrogates.errors import FeaturizationError
from surrogates.featurize import (
    max_tanimoto,
    morgan_fingerprints,
    pack_bits,
    tanimoto_matrix,
    unpack_bits,
)

SMILES = ["CCO", "CCN", "c1ccccc1O", "CC(=O)Oc1ccccc1C(=O)O", "C"]


def test_fingerprints_are_bits_of_requested_length() -> None:
    fps = morgan_fingerprints(SMILES, radius=2, n_bits=1024)
    assert fps.shape == (5, 1024) and fps.dtype == np.uint8
    assert set(np.unique(fps)) <= {0, 1}
    assert fps.sum(1).min() > 0


def test_tanimoto_matches_rdkit() -> None:
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    bitvects = [gen.GetFingerprint(Chem.MolFromSmiles(s)) for s in SMILES]
    expected = np.array([DataStructs.BulkTanimotoSimilarity(b, bitvects) for b in bitvects])
    fps = morgan_fingerprints(SMILES)
    np.testing.assert_allclose(tanimoto_matrix(fps, fps), expected, atol=1e-12)
    np.testing.assert_allclose(max_tanimoto(fps[:2], fps[2:]), expected[:2, 2:].max(1))


def test_bad_smiles_are_all_reported() -> None:
    with pytest.raises(FeaturizationError) as info:
        morgan_fingerprints(["CCO", "not-a-smiles", "C1CC", "CC"])
    assert [i for i, _, _ in info.value.failures] == [1, 2]


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        morgan_fingerprints(["CCO", 3])  # type: ignore[list-item]


def test_tanimoto_shape_mismatch_and_empty() -> None:
    with pytest.raises(ValueError):
        tanimoto_matrix(np.zeros((2, 8)), np.zeros((2, 16)))
    assert tanimoto_matrix(np.zeros((1, 8)), np.zeros((1, 8)))[0, 0] == 0.0


def test_pack_round_trip() -> None:
    fps = morgan_fingerprints(SMILES, n_bits=100)
    np.testing.assert_array_equal(unpack_bits(pack_bits(fps), 100), fps)


def test_training_graphs_equal_deepchem(esol) -> None:  # type: ignore[no-untyped-def]
    import torch

    from molecules.gnn.featurize import dmpnn_arrays
    from surrogates.featurize import parse_smiles_list, reference_training_graphs, training_graphs

    smiles = esol.smiles[:300] + [
        "[Na+].[Cl-]",
        "[Na+]",
        "C",
        "F[C@H](Cl)Br",
        "C/C=C/C",
        "C[N+](C)(C)C",
        "O=[Se]=O",
        "[2H]OC",
        "c1ccc2ccccc2c1",
        "C#N",
        "[Fe+3]",
        "O=S(=O)(O)O",
        "C1CC1[C@@H](N)C(=O)O",
    ]
    mols = parse_smiles_list(smiles)
    arrays, ok = dmpnn_arrays(mols)
    assert ok.all()
    fast = training_graphs(arrays)
    ref = reference_training_graphs(mols)
    keys = ["atom_features", "f_ini_atoms_bonds", "atom_to_incoming_bonds", "mapping"]
    for s, a, b in zip(smiles, fast, ref, strict=True):
        assert a.required_inc == b.required_inc, s
        for key in keys:
            assert torch.equal(a[key], b[key]), (s, key)
