-- justsync-schema.sql: what a Supabase (or any PostgREST) database needs for
-- JustSyncSupabaseStore. Run it once, e.g. in the Supabase SQL editor or
-- with psql, as the database owner. It is idempotent.
--
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- It makes:
--   * justsync_server_time(): the server's clock, called over /rpc/;
--   * justsync_touch(): a trigger function that stamps updated_at with
--     clock_timestamp() on every insert and update;
--   * an example table "notes" with the columns every synced table needs
--     (id, updated_at, deleted_at), an owner column for per-user scopes,
--     the indexes the store's delta pulls use, and row-level security that
--     lets each signed-in user reach only their own rows.
-- Copy the "notes" part for each table you sync, renaming it and its
-- columns after "owner".

-- The server's time, for the engine's clock correction. clock_timestamp()
-- moves during a transaction; now() would be the start of the request.
create or replace function public.justsync_server_time()
  returns timestamptz
  language sql
  volatile
as $$ select clock_timestamp() $$;

grant execute on function public.justsync_server_time() to anon, authenticated;

-- updated_at is the server's, never a client's: set on every write, so a
-- delta pull (updated_at, id) > cursor sees every change. clock_timestamp()
-- rather than now(): rows written by one long transaction get distinct,
-- increasing stamps.
create or replace function public.justsync_touch()
  returns trigger
  language plpgsql
as $$
begin
  new.updated_at := clock_timestamp();
  return new;
end
$$;

create table if not exists public.notes (
  -- Client-made ids (random UUIDs by default). COLLATE "C" orders them
  -- bytewise, as the store's keyset cursor compares them.
  id          text collate "C" primary key,
  owner       uuid not null default auth.uid(),
  updated_at  timestamptz not null default clock_timestamp(),
  -- Set by soft deletes: the row stays as a tombstone other clients pull.
  deleted_at  timestamptz,
  -- The app's own columns:
  title       text,
  body        text,
  done        boolean
);

drop trigger if exists notes_justsync_touch on public.notes;
create trigger notes_justsync_touch
  before insert or update on public.notes
  for each row execute function public.justsync_touch();

-- Delta pulls: order=updated_at.asc,id.asc with a keyset filter on both,
-- plus an eq. filter for each scope key (here the owner).
create index if not exists notes_updated_at_id on public.notes (updated_at, id);
create index if not exists notes_owner_updated_at_id on public.notes (owner, updated_at, id);

-- Each signed-in user reaches only their own rows. Tombstones stay
-- readable: a policy that hid deleted rows would hide the deletes too.
alter table public.notes enable row level security;

drop policy if exists notes_select_own on public.notes;
create policy notes_select_own on public.notes
  for select to authenticated using (owner = auth.uid());
drop policy if exists notes_insert_own on public.notes;
create policy notes_insert_own on public.notes
  for insert to authenticated with check (owner = auth.uid());
drop policy if exists notes_update_own on public.notes;
create policy notes_update_own on public.notes
  for update to authenticated using (owner = auth.uid()) with check (owner = auth.uid());
drop policy if exists notes_delete_own on public.notes;
create policy notes_delete_own on public.notes
  for delete to authenticated using (owner = auth.uid());

grant select, insert, update, delete on public.notes to authenticated;
