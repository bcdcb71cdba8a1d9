-- 0002_lab_steps: the wall time a learner spent on each lab step.
-- started_at_ms: the first time the step was the one to work on;
-- passed_at_ms: the first time its check held (NULL until then);
-- spent_ms: how long the lab screen was open on it, over every visit.
CREATE TABLE lab_steps (
    lab_id        TEXT NOT NULL CHECK (lab_id <> ''),
    step          INTEGER NOT NULL CHECK (step >= 0),
    started_at_ms INTEGER,
    passed_at_ms  INTEGER,
    spent_ms      INTEGER NOT NULL DEFAULT 0 CHECK (spent_ms >= 0),
    PRIMARY KEY (lab_id, step)
) STRICT;
