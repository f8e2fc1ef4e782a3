/**
 * The parts of `natural` this module uses, imported from their own files.
 *
 * natural's main entry loads every optional back-end (MongoDB, PostgreSQL, Redis…) on import:
 * about 2 s here, and it runs dotenv, which prints banner lines to stdout (breaking the CLI's JSON).
 * The classifier and stemmer files load in ~0.2 s and print nothing. natural is pinned in
 * package.json, so these paths are stable; the types are natural's own.
 */
import classifiers from 'natural/lib/natural/classifiers/index.js';
import stemmers from 'natural/lib/natural/stemmers/index.js';

export const { BayesClassifier, LogisticRegressionClassifier } = classifiers;
export const { PorterStemmer } = stemmers;
