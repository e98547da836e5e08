// The mocha calls the suite makes, typed here: mocha ships no types and @types/mocha is not a
// dependency (the unit tests use node:test). mocha's own exports forward each call to the interface
// (tdd, see index.ts) of the run that is loading the test file.

type Body = () => void | Promise<unknown>;

interface MochaTdd {
  suite(title: string, body: () => void): void;
  test(title: string, body: Body): void;
  suiteSetup(body: Body): void;
  suiteTeardown(body: Body): void;
  setup(body: Body): void;
  teardown(body: Body): void;
}

const mocha = (): MochaTdd => require('mocha');

export const suite = (title: string, body: () => void): void => mocha().suite(title, body);
export const test = (title: string, body: Body): void => mocha().test(title, body);
export const suiteSetup = (body: Body): void => mocha().suiteSetup(body);
export const suiteTeardown = (body: Body): void => mocha().suiteTeardown(body);
export const setup = (body: Body): void => mocha().setup(body);
export const teardown = (body: Body): void => mocha().teardown(body);
