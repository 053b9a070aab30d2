import { cronProblem } from '../../src/storage/cron';

// The DataImportCron schedule grammar CDI parses (robfig/cron ParseStandard): five fields or a descriptor.
describe('cron schedules', () => {
  test.each([
    '30 1 * * 1', '*/15 * * * *', '0 0 1 */3 *', '0 6-18/2 * * MON-FRI', '5,35 0 1,15 JAN,jul sun', '0 0 * * ?', '59 23 31 12 6',
    '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '  0 3 * * *  ',
  ])('%j is a schedule', (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });

  test.each([
    ['', 'the schedule is empty'],
    ['0 3 * * * *', '6 field(s) instead of 5 (minute hour day-of-month month day-of-week)'],
    ['60 * * * *', 'minute 60 is outside 0-59'],
    ['0 24 * * *', 'hour 24 is outside 0-23'],
    ['0 0 0 * *', 'day of month 0 is outside 1-31'],
    ['0 0 1 13 *', 'month 13 is outside 1-12'],
    ['0 0 * * 7', 'day of week 7 is outside 0-6'],
    ['0 0 * * FUNDAY', 'day of week "FUNDAY" is not a number or a name'],
    ['*/0 * * * *', 'minute step must be at least 1'],
    ['*/x * * * *', 'minute step "x" must be a number'],
    ['1/2/3 * * * *', 'minute "1/2/3" has more than one \'/\''],
    ['30-10 * * * *', 'minute range "30-10" runs backwards'],
    ['1-2-3 * * * *', 'minute "1-2-3" is not a value or a range'],
    ['1,,2 * * * *', 'minute "" is not a number'],
    ['@reboot', '"@reboot" is not one of the descriptors @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
  ])('%j is refused: %s', (schedule, problem) => {
    expect(cronProblem(schedule)).toBe(problem);
  });
});
