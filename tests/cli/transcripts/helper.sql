-- read by the shell transcript with .read
CREATE TABLE IF NOT EXISTS colors(name TEXT PRIMARY KEY, hex TEXT);
INSERT OR IGNORE INTO colors VALUES ('red', '#ff0000'), ('green', '#00ff00'), ('blue', '#0000ff');
SELECT name FROM colors ORDER BY name;
SELECT * FROM nowhere;
