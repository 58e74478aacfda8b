/**
 * Checks a package-lock.json (default: the repository's) against the Backstage release of
 * backstage.json: `node --require @backstage/cli/config/nodeTransform.cjs checkLockfile.ts [file]`.
 * The adoption test runs it on the second app's lockfile.
 */
import { releaseProblems } from './release';

const problems = releaseProblems(process.argv[2]);
for (const problem of problems) console.error(problem);
if (problems.length) process.exit(1);
console.log('one copy of each @backstage/* package, all at the release');
