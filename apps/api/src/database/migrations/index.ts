import { CreateCoreSchema1764400000000 as PgCreateCoreSchema } from './postgres/1764400000000-CreateCoreSchema';
import { CreateCoreSchema1764400000000 as SqliteCreateCoreSchema } from './sqlite/1764400000000-CreateCoreSchema';

// Each dialect has its own migrations because their SQL differs (WITHOUT ROWID, SERIAL, …).
// Migrations are never edited after landing; add a new file per change.
export const SQLITE_MIGRATIONS = [SqliteCreateCoreSchema];
export const POSTGRES_MIGRATIONS = [PgCreateCoreSchema];
