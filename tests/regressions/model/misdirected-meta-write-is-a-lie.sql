-- strata-lab model, seed 3042: crash-state violation
-- lost-commit after op 21 (pages) under process-kill: recovered version 1, expected {2}
-- Found by the model checker: commit 2's meta write, aimed at slot 0, landed on slot 1; the disk
-- lied, so an older version is a legal outcome (as after a lying sync), and open now says that a
-- slot holds a misdirected page. The prediction had matched the fault by its exact name.
-- shrunk to 2 statements from 210 (1506 runs, 13.3 s)
-- The faults were scheduled by probability (misdirected-write@p=0.015625,seed=14248000 and
-- enospc@p=0.046875,seed=10391901), which picks ops by their place in the log; the lock and
-- meta-slot reads of issue 10 moved every op, so they are now named by the labels they hit.
-- replay: strata-lab model --script tests/regressions/model/misdirected-meta-write-is-a-lie.sql --seed 3042 --faults eio-read eio-write enospc short-write fsync-fail bit-flip misdirected-write lying-fsync
-- model: fault misdirected-write@label=commit 2: meta slot 0
CREATE TABLE IF NOT EXISTS t0(c0 BLOB CHECK (c0 IS NULL OR c0 <> 5), c1 NOT NULL);
-- model: fault enospc@label=commit 3: pages
INSERT INTO t0 VALUES (3, 3), ('2.5', -2.75), ('-1.25', (6 > 3)), (NULL, 0);
