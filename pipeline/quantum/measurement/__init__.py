"""Device-style execution of the final ansatz circuit: compact excitation circuits
(:mod:`.compile`), measurement groups (:mod:`.grouping`), shots (:mod:`.sampling`), noise
(:mod:`.noise`, :mod:`.density`), mitigation (:mod:`.mitigation`), resources
(:mod:`.resources`) and the backend chosen by ``quantum.backend`` (:mod:`.backend`)."""
