"""Noise benchmark: the optimised VQE circuit measured with shots under device noise.

    nice -n 10 python benchmarks/noise.py              # H2, LiH CAS(2,2), H2O CAS(4,4)
    python benchmarks/noise.py --problems h2 --shots 100000 --json

Protocol (what ``quantum.backend = noisy`` does): optimise exactly with the fast engine, then
measure the final circuit — compact excitation circuits compiled to CZ + one-qubit gates —
under two-qubit depolarising p2 (one-qubit p2/10) and 1 % readout error, ``--shots`` per energy
over qubit-wise commuting groups (and as many again per extra ZNE scale), plus 2 x 20,000
calibration shots. Rows: error vs CASCI unmitigated, + readout mitigation, + symmetry
post-selection, + ZNE (global folding 1, 3, 5; Richardson), each ± its standard error; the
same steps at infinite shots (the bias that remains); the noiseless sampled estimate; shots
and wall time. Then the device resources (qubits, CZ / √iSWAP counts routed on a 2D grid,
measurement groups, shots for 1.6 mHa) for the demo molecules.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import cirq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.quantum.active_space import select_active_space  # noqa: E402
from pipeline.quantum.circuits import ansatz_circuit, circuit_stats  # noqa: E402
from pipeline.quantum.geometry import MoleculeInput, build_mole  # noqa: E402
from pipeline.quantum.hamiltonian import (  # noqa: E402
    active_space_hamiltonian,
    casci_energy,
    qubit_hamiltonian,
)
from pipeline.quantum.measurement.backend import evaluate_backend, resources_of  # noqa: E402
from pipeline.quantum.measurement.compile import compiled_ansatz_circuit, to_gateset  # noqa: E402
from pipeline.quantum.measurement.grouping import group_hamiltonian  # noqa: E402
from pipeline.quantum.measurement.mitigation import (  # noqa: E402
    extrapolate_to_zero,
    fold_global,
    sector_mask,
)
from pipeline.quantum.measurement.noise import NoiseSpec, confusion_matrix  # noqa: E402
from pipeline.quantum.measurement.sampling import (  # noqa: E402
    energy_estimate,
    measured_distributions,
)
from pipeline.quantum.scf import run_scf  # noqa: E402
from pipeline.quantum.settings import QuantumSettings  # noqa: E402
from pipeline.quantum.solver import solve_sector  # noqa: E402

PROBLEMS = {
    "h2": ("H2 CAS(2,2)", "H 0 0 0; H 0 0 0.7414", 2, 2),
    "lih": ("LiH CAS(2,2)", "Li 0 0 0; H 0 0 1.5949", 2, 2),
    "h2o": ("H2O CAS(4,4)", "O 0 0 0.1173; H 0 0.7572 -0.4692; H 0 -0.7572 -0.4692", 4, 4),
}
RESOURCE_PROBLEMS = {
    **{k: (v[0], MoleculeInput(geometry=v[1]), v[2], v[3]) for k, v in PROBLEMS.items()},
    "acrylamide": ("acrylamide CAS(4,4)", MoleculeInput(smiles="C=CC(N)=O"), 4, 4),
}
STEPS = ("unmitigated", "readout", "readout+postselection", "readout+postselection+zne")


@dataclass
class NoiseRow:
    problem: str
    qubits: int
    depolarizing_2q: float
    errors_mha: dict[str, float]  # step -> (estimate - CASCI), finite shots
    sigmas_mha: dict[str, float]
    bias_mha: dict[str, float]  # step -> infinite-shot (estimate - CASCI)
    reduction: float  # |unmitigated| / |fully mitigated| (finite shots)
    reduction_2sigma: float  # |unmitigated| / (|fully mitigated| + 2 σ): a lower bound
    bias_reduction: float  # the same at infinite shots
    sampled_error_mha: float
    sampled_sigma_mha: float
    shots: int
    wall_seconds: float


@dataclass
class ResourceRow:
    problem: str
    qubits: int
    gadget_cnots: int
    compact_cnots: int
    cz_routed: int
    cz_depth_routed: int
    sqrt_iswap_routed: int
    pauli_terms: int
    groups: int
    one_norm_hartree: float
    shots_bound_ungrouped: int
    shots_ungrouped: int | None
    shots_grouped: int | None


def _solve(molecule: MoleculeInput, n_el: int, n_orb: int, settings: QuantumSettings):  # type: ignore[no-untyped-def]
    mf = run_scf(build_mole(molecule, "sto-3g")).mf
    space = select_active_space(mf, n_el, n_orb)
    ham = active_space_hamiltonian(mf, space)
    solution = solve_sector(ham, space.nelec, settings)
    return ham, solution, casci_energy(ham, space.nelec)[0]


def _infinite_shot_bias(ham, solution, settings: QuantumSettings, reference: float) -> dict:  # type: ignore[no-untyped-def]
    """The mitigation steps with exact distributions (no shot noise), in mHa vs CASCI."""
    n = solution.ansatz.n_qubits
    qubits = cirq.LineQubit.range(n)
    grouped = group_hamiltonian(qubit_hamiltonian(ham), n)
    noise = NoiseSpec(
        settings.noise_depolarizing_1q, settings.noise_depolarizing_2q, settings.noise_readout
    )
    native = to_gateset(compiled_ansatz_circuit(solution.ansatz, solution.vqe.parameters))
    big = 1e15
    counts = [
        [
            p * big
            for p in measured_distributions(fold_global(native, k), grouped.groups, qubits, noise)
        ]
        for k in settings.zne_scale_factors
    ]
    r = settings.noise_readout
    confusion = [confusion_matrix(r, r)] * n
    mask = sector_mask(n, solution.ansatz.nelec)
    e_raw = energy_estimate(grouped, counts[0]).value_hartree
    e_ro = energy_estimate(grouped, counts[0], confusion=confusion).value_hartree
    per_scale = [
        energy_estimate(grouped, c, confusion=confusion, keep=mask).value_hartree for c in counts
    ]
    zne, _ = extrapolate_to_zero(settings.zne_scale_factors, per_scale, [0.0] * len(counts))
    values = dict(zip(STEPS, (e_raw, e_ro, per_scale[0], zne), strict=True))
    return {k: 1000 * (v - reference) for k, v in values.items()}


def noise_rows(problems: list[str], levels: list[float], shots: int) -> list[NoiseRow]:
    rows = []
    for key in problems:
        label, geometry, n_el, n_orb = PROBLEMS[key]
        base = QuantumSettings(active_electrons=n_el, active_orbitals=n_orb, shots=shots)
        ham, solution, reference = _solve(MoleculeInput(geometry=geometry), n_el, n_orb, base)
        theta = solution.vqe.parameters
        sampled = evaluate_backend(
            ham, solution.ansatz, theta, base.model_copy(update={"backend": "sampled"})
        )
        assert sampled is not None
        for p2 in levels:
            settings = base.model_copy(
                update={
                    "backend": "noisy",
                    "noise_depolarizing_2q": p2,
                    "noise_depolarizing_1q": p2 / 10,
                    "noise_readout": 0.01,
                }
            )
            started = time.perf_counter()
            ev = evaluate_backend(ham, solution.ansatz, theta, settings)
            wall = time.perf_counter() - started
            assert ev is not None
            bias = _infinite_shot_bias(ham, solution, settings, reference)
            errors = {s.name: 1000 * (s.energy_hartree - reference) for s in ev.steps}
            sigmas = {s.name: 1000 * s.standard_error_hartree for s in ev.steps}
            rows.append(
                NoiseRow(
                    problem=label,
                    qubits=solution.ansatz.n_qubits,
                    depolarizing_2q=p2,
                    errors_mha=errors,
                    sigmas_mha=sigmas,
                    reduction_2sigma=abs(errors[STEPS[0]])
                    / (abs(errors[STEPS[-1]]) + 2 * sigmas[STEPS[-1]]),
                    bias_mha=bias,
                    bias_reduction=abs(bias[STEPS[0]]) / max(abs(bias[STEPS[-1]]), 1e-12),
                    reduction=abs(errors[STEPS[0]]) / max(abs(errors[STEPS[-1]]), 1e-12),
                    sampled_error_mha=1000 * (sampled.energy_hartree - reference),
                    sampled_sigma_mha=1000 * sampled.standard_error_hartree,
                    shots=ev.steps[-1].shots,
                    wall_seconds=wall,
                )
            )
    return rows


def resource_rows(problems: list[str]) -> list[ResourceRow]:
    rows = []
    for key in problems:
        label, molecule, n_el, n_orb = RESOURCE_PROBLEMS[key]
        settings = QuantumSettings(active_electrons=n_el, active_orbitals=n_orb)
        ham, solution, _ = _solve(molecule, n_el, n_orb, settings)
        theta = solution.vqe.parameters
        cz = resources_of(ham, solution.ansatz, theta, settings)
        isw = resources_of(
            ham,
            solution.ansatz,
            theta,
            settings.model_copy(update={"resource_gateset": "sqrt_iswap"}),
        )
        assert cz is not None and isw is not None
        compact = compiled_ansatz_circuit(solution.ansatz, theta)
        rows.append(
            ResourceRow(
                problem=label,
                qubits=cz.qubits,
                gadget_cnots=circuit_stats(ansatz_circuit(solution.ansatz)).two_qubit_gates,
                compact_cnots=sum(1 for op in compact.all_operations() if len(op.qubits) == 2),
                cz_routed=cz.routed_two_qubit_gates,
                cz_depth_routed=cz.routed_depth,
                sqrt_iswap_routed=isw.routed_two_qubit_gates,
                pauli_terms=cz.pauli_terms,
                groups=cz.measurement_groups,
                one_norm_hartree=cz.one_norm_hartree,
                shots_bound_ungrouped=cz.shots_bound_ungrouped,
                shots_ungrouped=cz.shots_ungrouped,
                shots_grouped=cz.shots_grouped,
            )
        )
    return rows


def _print(noise: list[NoiseRow], resources: list[ResourceRow]) -> None:
    head = (
        f"{'problem':14} {'p2':>6} {'unmitigated':>15} {'+readout':>15} {'+postsel':>15} "
        f"{'+ZNE':>15} {'cut':>6} {'cut≥':>5} {'shots':>9} {'wall/s':>7}"
    )
    print(
        "Error vs CASCI in mHa (± standard error); cut = |unmitigated| / |+ZNE|, "
        "cut≥ = |unmitigated| / (|+ZNE| + 2σ)"
    )
    print(head)
    for r in noise:
        cells = [f"{r.errors_mha[s]:+7.2f}±{r.sigmas_mha[s]:<6.2f}" for s in STEPS]
        print(
            f"{r.problem:14} {r.depolarizing_2q:6.0e} {' '.join(f'{c:>15}' for c in cells)} "
            f"{r.reduction:6.1f} {r.reduction_2sigma:5.1f} {r.shots:9.2e} {r.wall_seconds:7.1f}"
        )
    print("\nSame steps at infinite shots (the bias each step leaves), mHa, and the cut")
    for r in noise:
        print(
            f"{r.problem:14} {r.depolarizing_2q:6.0e} "
            + " ".join(f"{r.bias_mha[s]:+15.3f}" for s in STEPS)
            + f" {r.bias_reduction:6.0f}"
        )
    print("\nNoiseless sampled estimate, mHa vs CASCI (± σ)")
    seen = set()
    for r in noise:
        if r.problem not in seen:
            seen.add(r.problem)
            print(f"{r.problem:14} {r.sampled_error_mha:+8.3f} ± {r.sampled_sigma_mha:.3f}")
    print("\nDevice resources (UCCSD at the optimum; routed on a 2D grid by cirq.RouteCQC)")
    print(
        f"{'problem':20} {'q':>3} {'gadget CX':>9} {'compact CX':>10} {'CZ routed':>9} "
        f"{'depth':>6} {'√iSWAP rt':>9} {'terms':>5} {'groups':>6} {'1-norm':>7} "
        f"{'shots ungr.bound':>16} {'ungr.state':>10} {'grouped':>9}"
    )
    for r in resources:
        print(
            f"{r.problem:20} {r.qubits:3} {r.gadget_cnots:9} {r.compact_cnots:10} "
            f"{r.cz_routed:9} {r.cz_depth_routed:6} {r.sqrt_iswap_routed:9} {r.pauli_terms:5} "
            f"{r.groups:6} {r.one_norm_hartree:7.3f} {r.shots_bound_ungrouped:16.2e} "
            f"{r.shots_ungrouped or 0:10.2e} {r.shots_grouped or 0:9.2e}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    parser.add_argument("--levels", nargs="+", type=float, default=[1e-4, 1e-3])
    parser.add_argument("--shots", type=int, default=1_000_000, help="shots per energy")
    parser.add_argument(
        "--resources", nargs="*", default=list(RESOURCE_PROBLEMS), choices=list(RESOURCE_PROBLEMS)
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    noise = noise_rows(args.problems, args.levels, args.shots)
    resources = resource_rows(args.resources)
    if args.json:
        print(
            json.dumps(
                {"noise": [asdict(r) for r in noise], "resources": [asdict(r) for r in resources]},
                indent=2,
            )
        )
    else:
        _print(noise, resources)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
