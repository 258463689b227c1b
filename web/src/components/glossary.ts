/**
 * Plain-language definitions of the statistical terms the pages use, shown by {@link Term} where a term appears.
 * One wording per term across Analytics, Signals and the Action Hub.
 */
export const GLOSSARY = {
  '95% interval':
    'The range the true value lies in with 95% confidence, given how many answers (or posts) were counted and how ' +
    'much they vary from day to day and prompt to prompt. Narrow means well measured; wide means few data.',
  n: 'What the figure is counted over: answers, prompt runs, days or posts, as the label says. Intervals rest on it.',
  'small-sample damping':
    'With few answers the visibility score is multiplied by n/(n + 10), pulling it towards 0, so a handful of lucky ' +
    'answers cannot make it look good. With 10 answers the damping is 0.50; with 90 it is 0.90; with 990, 0.99.',
  'not tested':
    'The change is shown but no noise test is run on it: the visibility score is a composite without an interval ' +
    'of its own. Judge it by its components (mention rate, position, sentiment), which are tested.',
  'inside the noise':
    "The change's 95% interval includes zero: a difference this size appears by chance often enough that it may not " +
    'be real. Collect more answers or wait for more days before acting on it.',
  baseline: 'What the figure usually is: the same measure over the preceding weeks, against which today is compared.',
  confidence:
    'How firmly the data support the action: n/(n + 20) times one minus the width of the interval the finding rests ' +
    'on; high from 0.55, medium from 0.3, low below.',
  priority: 'A 0–100 ranking score: half expected impact, 30% confidence, 20% urgency. Higher means act on it first.',
} as const;

export type GlossaryTerm = keyof typeof GLOSSARY;

export function glossaryDefinition(term: GlossaryTerm): string {
  return GLOSSARY[term];
}
