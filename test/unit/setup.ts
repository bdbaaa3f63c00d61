// In-memory IndexedDB for every unit test (the worker's Dexie database runs on it).
import 'fake-indexeddb/auto';
