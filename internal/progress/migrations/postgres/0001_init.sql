-- 0001_init: the first schema of the cloudlab progress store on PostgreSQL,
-- the same tables as SQLite's 0001_init with a student column: one database
-- holds a whole class, every row belongs to one student (the folder name
-- the class server gives them), and every statement names the student.
-- Times are BIGINT unix milliseconds in UTC; NULL means "never".
-- Booleans are INTEGER 0/1, as in SQLite, so both backends scan alike.

-- The students the store has seen, with the name and role the roster gave.
CREATE TABLE students (
    student       TEXT PRIMARY KEY CHECK (student <> ''),
    name          TEXT NOT NULL DEFAULT '',
    instructor    INTEGER NOT NULL DEFAULT 0 CHECK (instructor IN (0, 1)),
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms  BIGINT NOT NULL
);

CREATE TABLE lessons (
    student         TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    lesson_id       TEXT NOT NULL CHECK (lesson_id <> ''),
    first_opened_ms BIGINT,
    position        DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (position >= 0 AND position <= 1),
    percent         INTEGER NOT NULL DEFAULT 0 CHECK (percent >= 0 AND percent <= 100),
    read_at_ms      BIGINT,
    updated_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (student, lesson_id)
);

CREATE TABLE last_location (
    student TEXT PRIMARY KEY REFERENCES students (student) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('lesson', 'quiz', 'lab')),
    id      TEXT NOT NULL CHECK (id <> ''),
    at_ms   BIGINT NOT NULL
);

CREATE TABLE quiz_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student     TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    session_id  TEXT NOT NULL DEFAULT '',
    quiz_id     TEXT NOT NULL CHECK (quiz_id <> ''),
    question_id TEXT NOT NULL CHECK (question_id <> ''),
    mode        TEXT NOT NULL DEFAULT '',
    answer      TEXT NOT NULL DEFAULT '',
    domain      TEXT NOT NULL DEFAULT '',
    lesson_id   TEXT NOT NULL DEFAULT '',
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    taken_ms    BIGINT NOT NULL DEFAULT 0,
    at_ms       BIGINT NOT NULL
);
CREATE INDEX quiz_attempts_by_quiz ON quiz_attempts (student, quiz_id, at_ms);
CREATE INDEX quiz_attempts_by_time ON quiz_attempts (student, at_ms);

CREATE TABLE quiz_results (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student    TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    session_id TEXT NOT NULL DEFAULT '',
    quiz_id    TEXT NOT NULL CHECK (quiz_id <> ''),
    mode       TEXT NOT NULL DEFAULT '',
    correct    INTEGER NOT NULL CHECK (correct >= 0),
    total      INTEGER NOT NULL CHECK (total >= 0),
    scaled     INTEGER NOT NULL DEFAULT 0,
    passed     INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
    at_ms      BIGINT NOT NULL
);
CREATE UNIQUE INDEX quiz_results_session ON quiz_results (student, session_id, quiz_id) WHERE session_id <> '';
CREATE INDEX quiz_results_by_time ON quiz_results (student, at_ms);

CREATE TABLE review_cards (
    student        TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    question_id    TEXT NOT NULL CHECK (question_id <> ''),
    quiz_id        TEXT NOT NULL DEFAULT '',
    due_ms         BIGINT NOT NULL,
    stability      DOUBLE PRECISION NOT NULL DEFAULT 0,
    difficulty     DOUBLE PRECISION NOT NULL DEFAULT 0,
    elapsed_days   INTEGER NOT NULL DEFAULT 0,
    scheduled_days INTEGER NOT NULL DEFAULT 0,
    reps           INTEGER NOT NULL DEFAULT 0,
    lapses         INTEGER NOT NULL DEFAULT 0,
    state          INTEGER NOT NULL DEFAULT 0,
    last_review_ms BIGINT,
    updated_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (student, question_id)
);
CREATE INDEX review_cards_by_due ON review_cards (student, due_ms);

CREATE TABLE labs (
    student         TEXT NOT NULL REFERENCES students (student) ON DELETE CASCADE,
    lab_id          TEXT NOT NULL CHECK (lab_id <> ''),
    steps_passed    INTEGER NOT NULL DEFAULT 0 CHECK (steps_passed >= 0),
    completed_at_ms BIGINT,
    solutions_shown INTEGER NOT NULL DEFAULT 0 CHECK (solutions_shown >= 0),
    updated_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (student, lab_id)
);
