"""VQE benchmark: UCCSD and ADAPT-VQE on small molecules, fast engine vs CASCI.

    python benchmarks/vqe.py            # all five problems, table
    python benchmarks/vqe.py --quick    # H2, LiH, H2O
    python benchmarks/vqe.py --problems n2_sto3g --methods adapt --json

Prints, per problem and method: qubits, parameters, VQE - CASCI (mHa), energy(+gradient)
evaluations and wall seconds of the VQE (ansatz construction + optimization; SCF and
integrals excluded). Then the time of ONE energy evaluation at 12 qubits (H2O CAS(8,6),
UCCSD) by the fast CI-vector engine, cirq.Simulator and qsim, and PennyLane if installed.
Timings depend on machine load: run it twice and take the better.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.quantum.active_space import select_active_space  # noqa: E402
from pipeline.quantum.ansatz import build_ansatz  # noqa: E402
from pipeline.quantum.engines.ci_vector import CIVectorEngine, CompiledAnsatz  # noqa: E402
from pipeline.quantum.geometry import MoleculeInput, build_mole  # noqa: E402
from pipeline.quantum.hamiltonian import (  # noqa: E402
    ActiveSpaceHamiltonian,
    active_space_hamiltonian,
    casci_energy,
)
from pipeline.quantum.scf import run_scf  # noqa: E402
from pipeline.quantum.settings import QuantumSettings  # noqa: E402
from pipeline.quantum.solver import solve_sector  # noqa: E402
from pipeline.quantum.versions import software_versions  # noqa: E402

PROBLEMS = {
    "h2": ("H2 STO-3G", "H 0 0 0; H 0 0 0.7414", "sto-3g", 2, 2),
    "lih": ("LiH STO-3G CAS(2,5)", "Li 0 0 0; H 0 0 1.5949", "sto-3g", 2, 5),
    "h2o": (
        "H2O STO-3G CAS(8,6)",
        "O 0 0 0.1173; H 0 0.7572 -0.4692; H 0 -0.7572 -0.4692",
        "sto-3g",
        8,
        6,
    ),
    "n2_sto3g": ("N2 STO-3G CAS(10,8)", "N 0 0 0; N 0 0 1.0977", "sto-3g", 10, 8),
    "n2_631g": ("N2 6-31G CAS(10,10)", "N 0 0 0; N 0 0 1.0977", "6-31g", 10, 10),
}


@dataclass
class Row:
    problem: str
    method: str
    qubits: int
    parameters: int
    error_mha: float
    evaluations: int
    wall_seconds: float
    matches_casci: bool


def problem_hamiltonian(key: str) -> tuple[ActiveSpaceHamiltonian, tuple[int, int], float]:
    _, geometry, basis, n_el, n_orb = PROBLEMS[key]
    mf = run_scf(build_mole(MoleculeInput(geometry=geometry), basis)).mf
    space = select_active_space(mf, n_el, n_orb)
    ham = active_space_hamiltonian(mf, space)
    return ham, space.nelec, casci_energy(ham, space.nelec)[0]


def run_method(
    key: str,
    method: str,
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    ref: float,
    settings: QuantumSettings,
) -> Row:
    start = time.perf_counter()
    # The product's own solver, so the benchmark times exactly what `qdp energy` runs.
    solution = solve_sector(ham, nelec, settings.model_copy(update={"ansatz": method}))
    n_par, energy = solution.ansatz.n_parameters, solution.energy_hartree
    n_eval = solution.vqe.n_evaluations
    wall = time.perf_counter() - start
    err = 1000.0 * (energy - ref)
    return Row(PROBLEMS[key][0], method, ham.n_qubits, n_par, err, n_eval, wall, abs(err) <= 1.6)


def time_engines_12_qubits(repeats: int = 3) -> dict[str, object]:
    """Seconds of one energy evaluation at 12 qubits (H2O CAS(8,6) UCCSD, random θ)."""
    from pipeline.quantum.engines.cirq_engine import CirqEngine

    ham, nelec, _ = problem_hamiltonian("h2o")
    ansatz = build_ansatz("uccsd", ham, nelec)
    theta = np.random.default_rng(0).uniform(-1, 1, ansatz.n_parameters)
    out: dict[str, object] = {
        "problem": "H2O STO-3G CAS(8,6) UCCSD",
        "qubits": ham.n_qubits,
        "parameters": ansatz.n_parameters,
    }
    fast = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz)
    energies = {}

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    energies["fast"] = fast.energy(theta)
    out["fast_engine_energy_seconds"] = best(lambda: fast.energy(theta))
    out["fast_engine_energy_and_gradient_seconds"] = best(lambda: fast.energy_and_gradient(theta))
    for backend in ("cirq", "qsim"):
        t0 = time.perf_counter()
        engine = CirqEngine(ham, ansatz, backend=backend)  # type: ignore[arg-type]
        out[f"{backend}_setup_seconds"] = time.perf_counter() - t0
        energies[backend] = engine.energy(theta)
        out[f"{backend}_energy_seconds"] = best(lambda e=engine: e.energy(theta))
        out[f"{backend}_minus_fast_hartree"] = energies[backend] - energies["fast"]
    out["circuit_two_qubit_gates"] = sum(
        1 for op in CirqEngine(ham, ansatz).circuit.all_operations() if len(op.qubits) == 2
    )
    try:
        import pennylane  # type: ignore[import-not-found]  # noqa: F401

        out["pennylane"] = "installed, but not timed: no PennyLane circuit is built by qdp"
    except ImportError:
        out["pennylane"] = "not installed"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first three problems")
    parser.add_argument(
        "--problems",
        default=",".join(PROBLEMS),
        help=f"comma-separated subset of {','.join(PROBLEMS)}",
    )
    parser.add_argument("--methods", default="uccsd,adapt", help="uccsd, adapt or both")
    parser.add_argument(
        "--no-engine-timing", action="store_true", help="skip the 12-qubit Cirq/qsim timing"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    keys = list(PROBLEMS)[:3] if args.quick else args.problems.split(",")
    unknown = [k for k in keys if k not in PROBLEMS]
    if unknown:
        parser.error(f"unknown problem(s) {unknown}; choose from {list(PROBLEMS)}")
    methods = args.methods.split(",")
    settings = QuantumSettings()
    rows = []
    header = (
        f"{'problem':<22} {'method':<6} {'qubits':>6} {'params':>6} "
        f"{'VQE-CASCI/mHa':>13} {'evals':>7} {'wall/s':>8}  <=1.6mHa"
    )
    if not args.json:
        print(header)
        print("-" * len(header))
    for key in keys:
        ham, nelec, ref = problem_hamiltonian(key)
        for method in methods:
            r = run_method(key, method, ham, nelec, ref, settings)
            rows.append(r)
            if not args.json:
                print(
                    f"{r.problem:<22} {r.method:<6} {r.qubits:>6} {r.parameters:>6} "
                    f"{r.error_mha:>13.4f} {r.evaluations:>7} {r.wall_seconds:>8.2f}  "
                    f"{'yes' if r.matches_casci else 'no'}",
                    flush=True,
                )
    timing = None if args.no_engine_timing else time_engines_12_qubits()
    if args.json:
        print(
            json.dumps(
                {
                    "rows": [asdict(r) for r in rows],
                    "engine_timing_12_qubits": timing,
                    "software_versions": software_versions(),
                },
                indent=2,
            )
        )
    elif timing is not None:
        print(
            "\nOne energy evaluation at 12 qubits (H2O CAS(8,6) UCCSD, "
            f"{timing['parameters']} parameters):"
        )
        print(
            f"  fast CI-vector engine: {timing['fast_engine_energy_seconds']:.5f} s "
            f"(energy + gradient {timing['fast_engine_energy_and_gradient_seconds']:.5f} s)"
        )
        for backend in ("cirq", "qsim"):
            print(
                f"  {backend:<21}: {timing[f'{backend}_energy_seconds']:.5f} s "
                f"(setup {timing[f'{backend}_setup_seconds']:.2f} s, "
                f"|E - E_fast| = {abs(timing[f'{backend}_minus_fast_hartree']):.1e} Ha)"
            )
        print(f"  PennyLane            : {timing['pennylane']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
