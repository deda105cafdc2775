"""Quantum energies: PySCF mean field -> active space -> OpenFermion Hamiltonian -> Cirq
ansatz -> VQE (fast CI-vector engine; Cirq/qsim cross-check) -> energies and descriptors.

Entry point: :func:`pipeline.quantum.calculation.compute_energy`. Modules, in pipeline order:
``geometry`` (inputs -> ``gto.Mole``), ``scf`` (RHF/ROHF with fallbacks), ``active_space``,
``hamiltonian``, ``excitations`` (generators, spin adaptation, pools), ``ansatz/`` (UCCSD,
k-UpCCGSD, HEA), ``circuits`` (Cirq), ``engines/`` (``ci_vector`` fast, ``cirq_engine``),
``vqe`` (kernel), ``adapt`` (ADAPT-VQE), ``solver`` (one sector), ``fcisolver`` (PySCF
adapter), ``properties`` (IP, EA, descriptors), ``calculation`` (the entry point).
"""
