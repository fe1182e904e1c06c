-- When the relay last handed additions to the sendout's workflow before its send time: the next
-- hand-off waits for a 250th of the time then left (AdditionHandoffs.lockPending), whichever api
-- instance makes it. Null once told after the send time, or never told before it.
alter table sendout add column additions_told_ahead_at timestamptz;
