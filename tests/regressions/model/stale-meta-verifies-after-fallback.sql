-- strata-lab model, seed 189: crash-state violation
-- phantom-commit after op 15 (pages) under process-kill: recovered version 34, expected {33}
-- Found by the model checker: open fell back past a one-sync meta whose pages were incomplete,
-- but left it in its slot; the next session wrote pages of that generation on the same page
-- numbers and, crashed before its own meta, the stale meta verified. The first commit after a
-- fallback now retires the refused slot first.
-- shrunk to 35 statements from 126 (1669 runs, 72.8 s)
-- replay: strata-lab model --script tests/regressions/model/stale-meta-verifies-after-fallback.sql --seed 189
CREATE TABLE IF NOT EXISTS t1(c0 REAL, c1 DOUBLE, c2 BLOB, c3);
INSERT INTO t1 VALUES ('d', 11, 0, 9), (4, 6, 0, -3), (11, 5, 6, 'c'), (12, 'é', 11, '');
INSERT INTO t1(c0, c1, c2, c3) SELECT c1, c2, c1, trim(c0) FROM t1 WHERE c1 <> c2 ORDER BY rowid LIMIT 2;
INSERT INTO t1(c0, c1, c2, c3) VALUES (4, -3, 11, '8'), (12, 'a', 5, 4), (10, 0, x'', 3), (7, x'61', 9.25, 3);
CREATE INDEX IF NOT EXISTS t1_i3 ON t1(c3, c1, c2);
DELETE FROM t1;
INSERT INTO t1 VALUES (2, 6, 5, 11), (4, 'a%', '%', x'ff'), (6, 0, -2, 0), (2, 'abc', CASE 10 WHEN 5 THEN 5 WHEN 10 THEN NULL WHEN 'a' THEN 'Ab' END, 5);
INSERT INTO t1(c0, c1, c2, c3) VALUES (substr('e', 3), 2.75, ' 7', 5), (3, 6, (1 = NULL), 'e'), (5, 10, 7, -2);
CREATE INDEX IF NOT EXISTS t1_i2 ON t1(c3);
UPDATE t1 SET c0 = 10 WHERE c0 IS NOT NULL;
INSERT INTO t1 VALUES (0, '9', 5, 3), ('d', 10, 8, 'a%'), (5, 5, ('e' + NULL), 9);
CREATE TABLE t0(id INTEGER PRIMARY KEY, c1 INTEGER UNIQUE, c2 REAL);
INSERT INTO t1 VALUES (1, 'd', 'B', 5), (2, 6.25, 2, 11), ('a', 10, 6, 0), (2, 2, '-1.25', 6);
INSERT INTO t1 VALUES (0, 1, 6, '0');
INSERT INTO t1 VALUES ('e', 1, 5, 'd');
INSERT INTO t0(id, c2) VALUES (-1, +NULL), (0, 4), (35, -2);
CREATE TABLE t2(c0 BOOLEAN, c1 VARCHAR(10) UNIQUE);
INSERT INTO t1 VALUES (2, 6, '-1.25', '1e1'), ('9', x'0102', 2, min('10', 4));
INSERT INTO t1 VALUES (12, 2, 6, 3), (4, 4, 0, 7.75), ('1e1', 'é', 4, 3), (0, '', 4, x'ff');
INSERT INTO t2 VALUES (0, 4);
INSERT INTO t1 VALUES (x'0102', 'x1', '9', ifnull(1, '1e1'));
INSERT OR IGNORE INTO t2 VALUES (1, 8), ('b', NULL);
INSERT OR REPLACE INTO t1 VALUES ('c', 'e', CASE WHEN NULL != 2 THEN 0 ELSE 5 END, 2), (-3, 'b', x'31', 3), (x'00', 2, 1, 2);
CREATE VIEW v0 AS SELECT a.c1 AS x, b.c0 AS y FROM t0 AS a JOIN t2 AS b ON a.id = b.c0;
CREATE TABLE t3(c0 DOUBLE, c1 INT UNIQUE);
INSERT INTO t1 VALUES ('2', -1, 3, '2.0'), (3, x'00', 2, 0), ('10', 0.5, 8, 'a%');
INSERT INTO t1 VALUES ('B', 7, 9, 11), (-2, 7.5, 2, x'ff'), (0, 10, 9, 5);
INSERT INTO t1 VALUES (x'31', 2, '1e1', 'zz'), (3, 5, 4, 6), (0, 11, 10, NULL), (0, 8, NULL, 'Ab');
INSERT INTO t1(c0, c1, c2) VALUES (3, NULL, 5);
INSERT INTO t3 VALUES ('é', -1);
INSERT INTO t2 VALUES (3, '2.5'), (11, CAST(2 AS TEXT)), (9.25, '10'), (4, x'00');
INSERT INTO t3 VALUES (7, nullif(x'00', 1)), (6, 11), (4, x'0102');
INSERT INTO t0 VALUES ('6', 7, 2), (19, 2, 1);
INSERT OR REPLACE INTO t0 VALUES (NULL, 8, 'b'), ('18', 3, '0');
-- model: crash back=7 image=46780
INSERT INTO t1 DEFAULT VALUES;
-- model: crash back=5 image=0
