-- 0001_init: the first schema of the cloudlab progress store.
-- Times are INTEGER unix milliseconds in UTC; NULL means "never" (the zero time.Time).
-- Booleans are INTEGER 0/1.

-- One row per lesson the learner has opened.
CREATE TABLE lessons (
    lesson_id       TEXT PRIMARY KEY NOT NULL CHECK (lesson_id <> ''),
    first_opened_ms INTEGER,
    position        REAL NOT NULL DEFAULT 0 CHECK (position >= 0 AND position <= 1),
    percent         INTEGER NOT NULL DEFAULT 0 CHECK (percent >= 0 AND percent <= 100),
    read_at_ms      INTEGER,
    updated_at_ms   INTEGER NOT NULL
) STRICT;

-- The last place the learner was (a single row).
CREATE TABLE last_location (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    kind      TEXT NOT NULL CHECK (kind IN ('lesson', 'quiz', 'lab')),
    id        TEXT NOT NULL CHECK (id <> ''),
    at_ms     INTEGER NOT NULL
) STRICT;

-- Every answer to every question, in every mode (practice, exam, review).
CREATE TABLE quiz_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT NOT NULL DEFAULT '',
    quiz_id     TEXT NOT NULL CHECK (quiz_id <> ''),
    question_id TEXT NOT NULL CHECK (question_id <> ''),
    mode        TEXT NOT NULL DEFAULT '',
    answer      TEXT NOT NULL DEFAULT '',
    domain      TEXT NOT NULL DEFAULT '',
    lesson_id   TEXT NOT NULL DEFAULT '',
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    taken_ms    INTEGER NOT NULL DEFAULT 0,
    at_ms       INTEGER NOT NULL
) STRICT;
CREATE INDEX quiz_attempts_by_quiz ON quiz_attempts (quiz_id, at_ms);
CREATE INDEX quiz_attempts_by_question ON quiz_attempts (question_id, at_ms);
CREATE INDEX quiz_attempts_by_session ON quiz_attempts (session_id);

-- The score of a finished quiz session. A non-empty session id identifies a
-- result: recording it again updates it (upsert).
CREATE TABLE quiz_results (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL DEFAULT '',
    quiz_id    TEXT NOT NULL CHECK (quiz_id <> ''),
    mode       TEXT NOT NULL DEFAULT '',
    correct    INTEGER NOT NULL CHECK (correct >= 0),
    total      INTEGER NOT NULL CHECK (total >= 0),
    scaled     INTEGER NOT NULL DEFAULT 0,
    passed     INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
    at_ms      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX quiz_results_session ON quiz_results (session_id, quiz_id) WHERE session_id <> '';
CREATE INDEX quiz_results_by_quiz ON quiz_results (quiz_id, at_ms);

-- FSRS review cards, one per question (the srs package converts).
CREATE TABLE review_cards (
    question_id    TEXT PRIMARY KEY NOT NULL CHECK (question_id <> ''),
    quiz_id        TEXT NOT NULL DEFAULT '',
    due_ms         INTEGER NOT NULL,
    stability      REAL NOT NULL DEFAULT 0,
    difficulty     REAL NOT NULL DEFAULT 0,
    elapsed_days   INTEGER NOT NULL DEFAULT 0,
    scheduled_days INTEGER NOT NULL DEFAULT 0,
    reps           INTEGER NOT NULL DEFAULT 0,
    lapses         INTEGER NOT NULL DEFAULT 0,
    state          INTEGER NOT NULL DEFAULT 0,
    last_review_ms INTEGER,
    updated_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX review_cards_by_due ON review_cards (due_ms);

-- Lab progress, one row per lab.
CREATE TABLE labs (
    lab_id          TEXT PRIMARY KEY NOT NULL CHECK (lab_id <> ''),
    steps_passed    INTEGER NOT NULL DEFAULT 0 CHECK (steps_passed >= 0),
    completed_at_ms INTEGER,
    solutions_shown INTEGER NOT NULL DEFAULT 0 CHECK (solutions_shown >= 0),
    updated_at_ms   INTEGER NOT NULL
) STRICT;
