-- harness.sql: a Supabase-like database for JustSync's PostgREST tests,
-- loaded by pgrst-harness into a fresh PostgreSQL 15 cluster.
--
-- SPDX-License-Identifier: LGPL-2.1-or-later
--
-- 1. What the Supabase stack provides and a plain PostgreSQL lacks: the
--    roles PostgREST switches to (anon, authenticated, service_role, which
--    bypasses row-level security) and auth.uid(), defined as Supabase
--    defines it (the "sub" claim of the request's JWT).
-- 2. data/supabase/justsync-schema.sql, loaded by the harness between the
--    two halves of this file (it needs auth.uid() and the roles).
-- 3. Workarounds for postrust-server 3.1.0 (see README.md).
-- 4. The tables the tests use.

\set ON_ERROR_STOP on

create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;
grant usage on schema public to anon, authenticated, service_role;

create schema auth;
grant usage on schema auth to anon, authenticated, service_role;
create function auth.uid() returns uuid
  language sql stable
as $$
  select nullif(coalesce(current_setting('request.jwt.claim.sub', true),
                         (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')), '')::uuid
$$;

\ir ../../../data/supabase/justsync-schema.sql

-- The test clock: a token with the claim "justsync_test_now" stamps every
-- row it writes with that time, so a test can make equal stamps on demand
-- (the contract's stop_clock). Tokens without the claim get
-- clock_timestamp(), as justsync-schema.sql does. Test-only.
create or replace function public.justsync_touch()
  returns trigger
  language plpgsql
as $$
begin
  new.updated_at := coalesce(
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'justsync_test_now')::timestamptz,
    clock_timestamp());
  return new;
end
$$;

-- postrust 3.1.0 casts a filter's value to its column's type only when the
-- type's name is one word: in a PATCH or DELETE, `updated_at=eq.T` becomes
-- `updated_at = $1` with $1 sent as text, which PostgreSQL refuses
-- ("operator does not exist: timestamp with time zone = text"; reads are
-- not affected). PostgREST casts. This operator accepts what postrust sends.
create function public.justsync_harness_timestamptz_eq_text(timestamptz, text)
  returns boolean
  language sql stable strict
as $$ select $1 = $2::timestamptz $$;
create operator public.= (
  leftarg = timestamptz, rightarg = text,
  function = public.justsync_harness_timestamptz_eq_text);

-- postrust 3.1.0 answers SQLSTATE 42501 with 401 even for a signed-in
-- role; PostgREST answers 403 then, and 401 only to the anonymous role. A
-- write that row-level security refuses ("new row violates row-level
-- security policy") is 42501 too, so the test tables' WITH CHECK clauses
-- call this function, which raises the refusal as PT403: postrust answers
-- 403, as PostgREST does. Row visibility (USING) is plain SQL.
create function public.justsync_harness_owned(row_owner uuid)
  returns boolean
  language plpgsql stable
as $$
begin
  if row_owner is distinct from auth.uid() then
    raise sqlstate 'PT403' using message = 'new row violates row-level security policy';
  end if;
  return true;
end
$$;

grant execute on function public.justsync_server_time() to service_role;
grant select, insert, update, delete on public.notes to service_role;

-- records: soft deletes; "tag" scopes the contract cases (run as
-- service_role), "owner" scopes users; a row shared with a "reader" is
-- readable, but not writable, by them.
create table public.records (
  id          text collate "C" primary key,
  owner       uuid default auth.uid(),
  reader      uuid,
  tag         text,
  title       text,
  n           double precision,
  done        boolean,
  updated_at  timestamptz not null default clock_timestamp(),
  deleted_at  timestamptz
);

-- hard_records: no deleted_at, for hard deletes.
create table public.hard_records (
  id          text collate "C" primary key,
  owner       uuid default auth.uid(),
  tag         text,
  title       text,
  n           double precision,
  done        boolean,
  updated_at  timestamptz not null default clock_timestamp()
);

create trigger records_justsync_touch before insert or update on public.records
  for each row execute function public.justsync_touch();
create trigger hard_records_justsync_touch before insert or update on public.hard_records
  for each row execute function public.justsync_touch();
create index records_updated_at_id on public.records (updated_at, id);
create index records_owner_updated_at_id on public.records (owner, updated_at, id);
create index hard_records_updated_at_id on public.hard_records (updated_at, id);

alter table public.records enable row level security;
create policy records_select on public.records for select to authenticated
  using (owner = auth.uid() or reader = auth.uid());
create policy records_insert on public.records for insert to authenticated
  with check (public.justsync_harness_owned(owner));
create policy records_update on public.records for update to authenticated
  using (owner = auth.uid()) with check (public.justsync_harness_owned(owner));
create policy records_delete on public.records for delete to authenticated
  using (owner = auth.uid());

alter table public.hard_records enable row level security;
create policy hard_records_own on public.hard_records for all to authenticated
  using (owner = auth.uid()) with check (public.justsync_harness_owned(owner));

grant select, insert, update, delete on public.records, public.hard_records
  to authenticated, service_role;
