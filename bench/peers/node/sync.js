// The Node peer of JustSync's benchmark (scripts/bench): an initial sync of
// one user's rows of a PocketBase collection into better-sqlite3, written as
// a careful app would with the official SDK: keyset paging on (updated, id)
// with the seekable filter, one transaction per page holding the page and
// its checkpoint. Prints {"seconds": S, "pulled": N} on stdout.
//
//   node sync.js URL COLLECTION OWNER AUTH_COLLECTION IDENTITY PASSWORD DB PAGE_SIZE
//
// SPDX-License-Identifier: LGPL-2.1-or-later
'use strict';

const PocketBase = require('pocketbase/cjs');
const Database = require('better-sqlite3');

async function main() {
  const [url, collection, owner, authCollection, identity, password, dbPath, pageSize] =
    process.argv.slice(2);
  const perPage = Number(pageSize);
  if (!dbPath || !(perPage > 0)) {
    console.error('usage: sync.js URL COLLECTION OWNER AUTH_COLLECTION IDENTITY PASSWORD DB PAGE_SIZE');
    process.exit(2);
  }

  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, payload TEXT NOT NULL,
                                               updated TEXT NOT NULL);
           CREATE TABLE IF NOT EXISTS checkpoint (k INTEGER PRIMARY KEY CHECK (k = 0),
                                                  updated TEXT NOT NULL, id TEXT NOT NULL)`);
  const insert = db.prepare(`INSERT INTO records (id, payload, updated) VALUES (?, ?, ?)
                             ON CONFLICT (id) DO UPDATE SET payload = excluded.payload,
                                                            updated = excluded.updated`);
  const saveCheckpoint = db.prepare('INSERT OR REPLACE INTO checkpoint (k, updated, id) VALUES (0, ?, ?)');
  const applyPage = db.transaction((items) => {
    for (const item of items)
      insert.run(item.id, JSON.stringify(item), item.updated);
    const last = items[items.length - 1];
    saveCheckpoint.run(last.updated, last.id);
  });

  const start = process.hrtime.bigint();
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection(authCollection).authWithPassword(identity, password);

  let cursor = db.prepare('SELECT updated, id FROM checkpoint').get();
  let pulled = 0;
  for (;;) {
    const filter = cursor
      ? pb.filter('owner = {:owner} && updated >= {:updated} && (updated > {:updated} || id > {:id})',
                  { owner, updated: cursor.updated, id: cursor.id })
      : pb.filter('owner = {:owner}', { owner });
    const page = await pb.collection(collection).getList(1, perPage,
                                                         { filter, sort: 'updated,id', skipTotal: true });
    if (page.items.length > 0) {
      applyPage(page.items);
      const last = page.items[page.items.length - 1];
      cursor = { updated: last.updated, id: last.id };
      pulled += page.items.length;
    }
    if (page.items.length < perPage)
      break;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  console.log(JSON.stringify({ seconds, pulled }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
