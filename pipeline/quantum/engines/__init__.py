"""Simulation engines: the fast CI-vector engine and the Cirq/qsim state-vector engine."""
