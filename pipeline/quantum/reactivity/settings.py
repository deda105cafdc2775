"""Reactivity settings (the ``[reactivity]`` section): thiolate-addition energies ΔE_add."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReactivitySettings(BaseModel):
    """Method of ``ΔE_add = E(adduct⁻) − E(warhead) − E(CH3S⁻)``. Hashed into the store key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: str = Field(default="6-31+g*", description="AO basis of HF, DFT and CASCI/VQE")
    functional: str = Field(
        default="cam-b3lyp",
        description="range-separated hybrid of the DFT baseline (PySCF/libxc name)",
    )
    compute_dft: bool = Field(default=True, description="run the DFT baseline")
    dft_grid_level: int = Field(default=2, ge=0, le=9)
    solvent: Literal["water", "none"] = Field(
        default="water", description="water: ddCOSMO (eps 78.36) in HF, DFT and CASCI/VQE"
    )
    solvent_grid_level: int = Field(default=0, ge=0, le=9, description="ddCOSMO density grid")
    solvent_lebedev_order: int = Field(default=11, ge=7, le=29)
    solvent_lmax: int = Field(default=4, ge=2, le=12)
    geometry: Literal["gfn2-xtb", "mmff"] = Field(
        default="gfn2-xtb",
        description="gfn2-xtb: GFN2-xTB (tblite, ALPB water when solvent=water) optimisation "
        "from the MMFF conformer; mmff: the MMFF conformer as is",
    )
    geometry_max_steps: int = Field(default=500, ge=1)
    n_conformers: int = Field(default=4, ge=1, le=50, description="MMFF conformers embedded")
    avas_threshold: float = Field(
        default=0.2, gt=0.0, lt=1.0, description="AVAS overlap threshold on the reacting atoms"
    )
    active_pair_size: int = Field(
        default=1,
        ge=1,
        le=4,
        description="k: the CAS is the 2k highest occupied and 2k lowest virtual AVAS orbitals "
        "on the reacting atoms, for the adduct and for the reactant pair (warhead + CH3S⁻, "
        "orbitals pooled by energy), so both sides of the reaction get CAS(4k,4k)",
    )
    ansatz: Literal["uccsd", "kupccgsd", "adapt"] = "uccsd"
    vqe_tolerance: float = Field(default=1e-8, gt=0.0)
    max_sites: int = Field(default=3, ge=1, le=20, description="symmetry-unique sites computed")
    scf_conv_tol: float = Field(default=1e-8, gt=0.0, description="SCF energy tolerance, Hartree")
    max_heavy_atoms: int = Field(default=40, ge=1, description="refuse larger warheads")
