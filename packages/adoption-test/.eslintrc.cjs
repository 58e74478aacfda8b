module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // The second app's sources: linted by the types of that app (its tsc step), whose package.json
  // the test writes; they do not belong to this package's dependencies.
  ignorePatterns: ['template/'],
});
