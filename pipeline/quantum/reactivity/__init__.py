"""Covalent-warhead reactivity: thiolate (CH3S⁻) addition energies ΔE_add per method.

Entry point: :func:`pipeline.quantum.reactivity.kernel.compute_reactivity` with
:class:`pipeline.quantum.reactivity.settings.ReactivitySettings` (kept import-light: the
settings module loads without PySCF or RDKit).
"""
