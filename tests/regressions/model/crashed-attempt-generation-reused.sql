-- strata-lab model, seed 1: crash-state violation
-- mixed-versions after op 15 (meta slot) under sector-subset: the recovered contents match no committed version; expected {3, 4}
-- Found by the model checker: an attempt that crashed before its meta was durable left pages of
-- generation G+1; the next session retried G+1 one-sync, and a torn retry passed open's check
-- with the failed attempt's bytes. The first commit after open is now two-sync.
-- shrunk to 7 statements from 150 (1542 runs, 8.6 s)
-- replay: strata-lab model --script tests/regressions/model/crashed-attempt-generation-reused.sql --seed 1
CREATE TABLE t0(id INTEGER PRIMARY KEY, c1 NUMERIC CHECK (c1 IS NULL OR c1 <> '0'), c2 VARCHAR(10), w);
ANALYZE;
-- model: crash back=3 image=0
-- model: crash back=0 image=0
CREATE VIEW v0(g, n, m) AS SELECT c2, count(*), max(c2) FROM t0 GROUP BY c2;
INSERT INTO t0 VALUES (11, 6, NULL, NULL);
-- model: crash back=2 image=51039
BEGIN;
INSERT INTO t0 VALUES (11, 3, 2, -2.75), (29, 10, 4, 8), (0, 10, -3.25, -3), (34, x'00', 4, x'61');
END;
-- model: crash back=2 image=0
