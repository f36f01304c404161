/**
 * @module
 * Setup file of the API suite (both drivers): after each test, the responses its test apps answered
 * (recorded by test/support/app.ts) must all conform to openapi.yaml, or the test fails with the list.
 */
import { afterEach, expect } from 'vitest';
import { apiRecorder } from './app.ts';

afterEach(() => {
  const failures = [...apiRecorder.failures];
  apiRecorder.reset();
  expect(failures, 'responses of this test that depart from openapi.yaml').toEqual([]);
});
