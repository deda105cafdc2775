"""Quantum-method settings (the ``[quantum]`` section): basis, active space, ansatz, engine."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class QuantumSettings(BaseModel):
    """Method settings of one VQE calculation. Their hash is part of the result's store key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: str = "sto-3g"
    active_electrons: int = Field(default=4, ge=0)
    active_orbitals: int = Field(default=4, ge=1)
    active_space_selection: Literal["homo_lumo", "mp2_natural_orbitals"] = Field(
        default="homo_lumo",
        description="homo_lumo: canonical orbitals around HOMO/LUMO; mp2_natural_orbitals: the "
        "active_orbitals most fractionally occupied MP2 natural orbitals (active_electrons "
        "then follows from the occupations)",
    )
    degenerate_shells: Literal["enlarge", "shrink"] = Field(
        default="enlarge",
        description="where the active-space window cuts through degenerate orbitals: take the "
        "whole shell (enlarge) or leave it out (shrink); the result's active_space_note says so",
    )
    degeneracy_threshold_hartree: float = Field(
        default=1e-4,
        ge=0.0,
        description="orbitals closer than this (Hartree; MP2 natural occupations: same number, "
        "unitless) count as one degenerate shell; 0 turns the rule off",
    )
    ansatz: Literal["uccsd", "kupccgsd", "hea", "adapt"] = "uccsd"
    mapping: Literal["jordan_wigner", "bravyi_kitaev"] = "jordan_wigner"
    optimizer: Literal["L-BFGS-B", "BFGS", "SLSQP"] = "L-BFGS-B"
    tolerance: float = Field(default=1e-8, gt=0.0, description="optimizer gradient tolerance")
    max_iterations: int = Field(default=1000, ge=1)
    kupccgsd_layers: int = Field(default=2, ge=1, le=10)
    hea_layers: int = Field(default=4, ge=1, le=50)
    adapt_gradient_threshold: float = Field(default=1e-3, gt=0.0)
    adapt_max_operators: int = Field(default=200, ge=1)
    adapt_tetris: bool = Field(
        default=True,
        description="add several operators on disjoint orbitals per ADAPT step (TETRIS-ADAPT)",
    )
    adapt_inner_max_iterations: int = Field(
        default=30, ge=1, description="optimizer iterations per ADAPT step (final: max_iterations)"
    )
    adapt_pool: Literal["gsd", "sd"] = Field(
        default="gsd",
        description="ADAPT-VQE pool: gsd = spin-adapted generalized singles/doubles, "
        "sd = occupied->virtual singles/doubles (UCCSD operators)",
    )
    solvent: Literal["none", "water"] = "none"
    scf_max_cycles: int = Field(default=100, ge=1)
    cross_check: Literal["none", "cirq", "qsim"] = Field(
        default="none",
        description="also evaluate the optimized circuit with Cirq (complex128) or qsim "
        "(complex64) and report that energy; skipped above cross_check_max_qubits",
    )
    cross_check_max_qubits: int = Field(default=16, ge=2, le=24)
    # Backends (pipeline.quantum.measurement): the final optimised circuit measured as on a device.
    backend: Literal["exact", "statevector", "sampled", "noisy"] = Field(
        default="exact",
        description="exact: fast engine only; statevector: the compact circuit in Cirq; sampled: "
        "finite shots over measurement groups; noisy: gate + readout noise (density matrix) "
        "with readout mitigation, symmetry post-selection and zero-noise extrapolation",
    )
    shots: int = Field(
        default=100_000, gt=0, description="shots per energy (per ZNE scale), split by weight"
    )
    noise_depolarizing_1q: float = Field(default=1e-4, ge=0.0, le=1.0)
    noise_depolarizing_2q: float = Field(default=1e-3, ge=0.0, le=1.0)
    noise_readout: float = Field(default=1e-2, ge=0.0, le=1.0, description="bit-flip per read")
    noise_amplitude_damping: float = Field(default=0.0, ge=0.0, le=1.0, description="per gate")
    readout_calibration_shots: int = Field(default=20_000, gt=0)
    zne_scale_factors: tuple[int, ...] = Field(
        default=(1, 3, 5), description="odd global-folding factors, the first 1; () = no ZNE"
    )
    zne_extrapolation: Literal["richardson", "linear"] = "richardson"
    sampling_seed: int = 0
    resource_gateset: Literal["cz", "sqrt_iswap"] = "cz"
    resources_max_qubits: int = Field(
        default=12, ge=2, le=24, description="device resource estimate up to this many qubits"
    )
    noisy_max_qubits: int = Field(default=10, ge=2, le=14)
    sampled_max_qubits: int = Field(default=20, ge=2, le=24)
    # Guards: what is refused before any work. They never change a result, so they are left
    # out of the result's store key (GUARD_FIELDS).
    max_basis_functions: int = Field(
        default=300, ge=1, description="refuse molecules with more basis functions"
    )
    max_qubits: int = Field(
        default=24, ge=2, description="refuse active spaces of more qubits (2 x orbitals)"
    )
    max_abs_charge: int = Field(default=4, ge=0, description="refuse a larger |total charge|")
    allow_metals: bool = Field(
        default=False, description="compute molecules with metal atoms (refused by default)"
    )

    @field_validator("zne_scale_factors")
    @classmethod
    def _odd_scales(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        odd = all(k >= 1 and k % 2 == 1 for k in value) and len(set(value)) == len(value)
        if value and not (odd and value[0] == 1 and len(value) >= 2):
            raise ValueError(f"zne_scale_factors {value}: distinct odd integers starting at 1")
        return value


GUARD_FIELDS = frozenset(
    {"max_basis_functions", "max_qubits", "max_abs_charge", "allow_metals"}
    | {"noisy_max_qubits", "sampled_max_qubits"}
)
