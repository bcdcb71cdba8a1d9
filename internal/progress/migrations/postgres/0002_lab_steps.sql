-- 0002_lab_steps: the wall time a learner spent on each lab step (as
-- SQLite's 0002_lab_steps).
CREATE TABLE lab_steps (
    student       TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    lab_id        TEXT NOT NULL CHECK (lab_id <> ''),
    step          INTEGER NOT NULL CHECK (step >= 0),
    started_at_ms BIGINT,
    passed_at_ms  BIGINT,
    spent_ms      BIGINT NOT NULL DEFAULT 0 CHECK (spent_ms >= 0),
    PRIMARY KEY (student, lab_id, step)
);
