// The cron language lives in core: the configuration is checked with it when it is loaded.
export { CronSyntaxError, parseCron, runsEveryDay, runsOnDate, type CronSchedule } from '@ecm/core/domain';
