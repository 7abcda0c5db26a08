//! `schedules/<AGENT_ID>.ics`: one iCalendar file (RFC 5545) per agent, for the
//! agent's own calendar app.
//!
//! Each working day is a `Shift` event from the first to the last minute at work,
//! with its lunch and breaks as their own `Lunch` and `Break` events inside it (so a
//! calendar shows when the agent is off the phones); the shift's description lists
//! the queues and the rests. A whole day of leave is an all-day `Leave` event, leave
//! for part of a day a timed one. Days off have no event.
//!
//! Times are local wall-clock times with `TZID` = the site's zone, defined by a
//! `VTIMEZONE` of the zone's offsets over the roster's years (from chrono-tz), so
//! calendars place them right across a clock change. Event UIDs are
//! `<AGENT_ID>-<DATE>-<KIND>[-<N>]@wfm` (`A001-2026-12-01-shift@wfm`,
//! `…-break-2@wfm`): a re-plan of the same days keeps them, so a calendar updates
//! its events rather than adding copies. `DTSTAMP` is the roster's first date at
//! 00:00 UTC, so a rerun writes the same bytes.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{
    Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, Property,
};

use super::{AgentSchedule, Day, Published, Span};
use crate::error::{Error, Result};

/// The domain of every event UID.
pub const UID_DOMAIN: &str = "wfm";

/// The file of an agent's calendar: `<AGENT_ID>.ics`. An id that cannot name a file
/// (a path separator, a control character, a leading dot) is an input error.
pub fn file_name(agent_id: &str) -> Result<String> {
    let bad = agent_id.is_empty()
        || agent_id.starts_with('.')
        || agent_id
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(Error::input(format!(
            "agent_id \"{agent_id}\" cannot name its calendar file (schedules/<agent_id>.ics)"
        )));
    }
    Ok(format!("{agent_id}.ics"))
}

/// The UID of an agent's event: `A001-2026-12-01-shift@wfm`.
pub fn event_uid(agent_id: &str, date: NaiveDate, kind: &str) -> String {
    format!("{agent_id}-{}-{kind}@{UID_DOMAIN}", date.format("%Y-%m-%d"))
}

/// The calendar of one agent, as iCalendar text (CRLF lines).
pub fn calendar_text(published: &Published, agent: &AgentSchedule) -> String {
    let tz = published.time_zone;
    let stamp = published
        .dates
        .first()
        .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")))
        .unwrap_or_default();
    let mut calendar = Calendar::empty();
    let title = if agent.name.is_empty() {
        format!("Shifts of {}", agent.agent_id)
    } else {
        format!("Shifts of {} ({})", agent.name, agent.agent_id)
    };
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//wfm//roster exports//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", title.as_str()),
        ("X-WR-TIMEZONE", tz.name()),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    let local = |at: NaiveDateTime| -> DatePerhapsTime {
        CalendarDateTime::WithTimezone {
            date_time: at,
            tzid: tz.name().to_string(),
        }
        .into()
    };
    let event = |kind: &str, date: NaiveDate, summary: &str| -> Event {
        Event::new()
            .uid(&event_uid(&agent.agent_id, date, kind))
            .timestamp(stamp)
            .summary(summary)
            .done()
    };
    let timed = |mut event: Event, date: NaiveDate, span: Span| -> Event {
        let (start, end) = span.local(date);
        event.starts(local(start)).ends(local(end)).done()
    };
    for (&date, agent_day) in &agent.days {
        match &agent_day.day {
            Day::Work(work) => {
                let mut details = Vec::new();
                if !work.queues.is_empty() {
                    details.push(format!("Queues: {}", work.queues.join(", ")));
                }
                for (kind, span) in &work.rests {
                    details.push(format!("{} {}", kind.label(), span.label()));
                }
                let mut shift = event("shift", date, &format!("Shift {}", work.span.label()));
                shift.description(&details.join("\n"));
                calendar.push(timed(shift, date, work.span));
                let mut breaks = 0;
                for (kind, span) in &work.rests {
                    let uid_kind = match kind {
                        super::RestKind::Lunch => "lunch".to_string(),
                        super::RestKind::Break => {
                            breaks += 1;
                            format!("break-{breaks}")
                        }
                    };
                    calendar.push(timed(event(&uid_kind, date, kind.label()), date, *span));
                }
            }
            Day::Leave => {
                let mut leave = event("leave", date, "Leave");
                leave
                    .starts(DatePerhapsTime::Date(date))
                    .ends(DatePerhapsTime::Date(date + Duration::days(1)));
                calendar.push(leave);
            }
            Day::Off => {}
        }
        for (n, span) in agent_day.part_leave.iter().enumerate() {
            let kind = format!("leave-{}", n + 1);
            calendar.push(timed(event(&kind, date, "Leave"), date, *span));
        }
    }
    let text = calendar.to_string();
    // The crate writes no VTIMEZONE: it goes after the calendar's own properties.
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .expect("a calendar ends");
    let (first, last) = match (published.dates.first(), published.dates.last()) {
        (Some(first), Some(last)) => (*first, *last),
        _ => return text,
    };
    format!(
        "{}{}{}",
        &text[..at],
        vtimezone(tz, first, last),
        &text[at..]
    )
}

/// A `VTIMEZONE` of `tz` from 1 January of `first`'s year to the end of `last`'s
/// year (past a night shift into the next year): its offset at the start, then each
/// change of offset as a `STANDARD` or `DAYLIGHT` part with its local start time
/// (in the offset before the change, as RFC 5545 has it).
pub fn vtimezone(tz: Tz, first: NaiveDate, last: NaiveDate) -> String {
    use chrono::Datelike;
    // Local midnight of 1 January (UTC's if the zone skips it).
    let year_start = |year: i32| {
        let midnight = NaiveDate::from_ymd_opt(year, 1, 1)
            .expect("1 January")
            .and_hms_opt(0, 0, 0)
            .expect("midnight");
        tz.from_local_datetime(&midnight).earliest().map_or_else(
            || Utc.from_utc_datetime(&midnight),
            |t| t.with_timezone(&Utc),
        )
    };
    let from = year_start(first.year());
    let to = year_start(last.year() + 1) + Duration::days(2);
    let at = |t: DateTime<Utc>| t.with_timezone(&tz);
    let mut parts = vec![part(at(from), at(from))];
    let mut t = from;
    while t < to {
        let next = t + Duration::hours(1);
        if at(t).offset() != at(next).offset() {
            // The change is in (t, next]: find its second.
            let (mut low, mut high) = (t, next);
            while high - low > Duration::seconds(1) {
                let middle = low + (high - low) / 2;
                if at(middle).offset() == at(low).offset() {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            parts.push(part(at(low), at(high)));
        }
        t = next;
    }
    format!(
        "BEGIN:VTIMEZONE\r\nTZID:{}\r\n{}END:VTIMEZONE\r\n",
        tz.name(),
        parts.concat()
    )
}

/// One `STANDARD` or `DAYLIGHT` part: the offset of `after` from the local time of
/// `after` in the offset of `before`.
fn part(before: DateTime<Tz>, after: DateTime<Tz>) -> String {
    let kind = if after.offset().dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    let local = after.with_timezone(&before.offset().fix()).naive_local();
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", offset_text(before)),
        format!("TZOFFSETTO:{}", offset_text(after)),
    ];
    if let Some(name) = after.offset().abbreviation() {
        lines.push(format!("TZNAME:{name}"));
    }
    lines.push(format!("END:{kind}"));
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// `+0100`, `-0500` (`+053045` with seconds).
fn offset_text(at: DateTime<Tz>) -> String {
    let seconds = at.offset().fix().local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{hand_agents, hand_rows, hand_view};
    use super::*;
    use icalendar::CalendarComponent;

    /// Each event of a calendar text parsed back: (uid, summary, start, end).
    fn events(text: &str) -> Vec<(String, String, DatePerhapsTime, DatePerhapsTime)> {
        let calendar: Calendar = text.parse().unwrap();
        calendar
            .events()
            .map(|e| {
                (
                    e.get_uid().unwrap().to_string(),
                    e.get_summary().unwrap().to_string(),
                    e.get_start().unwrap(),
                    e.get_end().unwrap(),
                )
            })
            .collect()
    }

    fn local(date: NaiveDate, h: u32, m: u32, tz: &str) -> DatePerhapsTime {
        CalendarDateTime::WithTimezone {
            date_time: date.and_hms_opt(h, m, 0).unwrap(),
            tzid: tz.to_string(),
        }
        .into()
    }

    #[test]
    fn calendars_parse_back_with_each_shift_rest_and_leave() {
        let view = hand_view();
        let d = |day: u32| NaiveDate::from_ymd_opt(2027, 3, day).unwrap();
        let london = "Europe/London";
        let a001 = events(&calendar_text(&view, &view.agents[0]));
        assert_eq!(
            a001,
            [
                (
                    "A001-2027-03-26-shift@wfm".to_string(),
                    "Shift 09:00-17:30".to_string(),
                    local(d(26), 9, 0, london),
                    local(d(26), 17, 30, london)
                ),
                (
                    "A001-2027-03-26-break-1@wfm".into(),
                    "Break".into(),
                    local(d(26), 10, 30, london),
                    local(d(26), 10, 45, london)
                ),
                (
                    "A001-2027-03-26-lunch@wfm".into(),
                    "Lunch".into(),
                    local(d(26), 12, 30, london),
                    local(d(26), 13, 0, london)
                ),
            ]
        );
        let a002 = events(&calendar_text(&view, &view.agents[1]));
        assert_eq!(
            a002[0],
            (
                "A002-2027-03-26-leave@wfm".into(),
                "Leave".into(),
                DatePerhapsTime::Date(d(26)),
                DatePerhapsTime::Date(d(27))
            )
        );
        // The night shift from Saturday 22:00 ends Sunday 06:00 local, across the
        // clocks going forward at 01:00 on 28 March 2027.
        assert_eq!(a002[1].2, local(d(27), 22, 0, london));
        assert_eq!(a002[1].3, local(d(28), 6, 0, london));
        assert_eq!(a002[2].1, "Break");
        assert_eq!(a002[2].2, local(d(28), 2, 0, london));
        let text = calendar_text(&view, &view.agents[0]);
        let calendar: Calendar = text.parse().unwrap();
        let shift = calendar.events().next().unwrap();
        assert_eq!(
            shift.get_description(),
            Some("Queues: support, sales\nBreak 10:30-10:45\nLunch 12:30-13:00")
        );
        assert_eq!(
            shift.get_timestamp().unwrap().to_rfc3339(),
            "2027-03-26T00:00:00+00:00"
        );
        assert_eq!(
            calendar.property_value("X-WR-CALNAME"),
            Some("Shifts of Priya Khan (A001)")
        );
    }

    #[test]
    fn local_times_hold_across_a_dst_change_with_the_zone_defined() {
        // New York's clocks go forward on Sunday 14 March 2027: the same 09:00-17:00
        // shift on the Friday before and the Monday after is 14:00 and 13:00 UTC.
        let d = |day: u32| NaiveDate::from_ymd_opt(2027, 3, day).unwrap();
        let rows: Vec<crate::roster::RosterRow> = [12, 13, 14, 15]
            .into_iter()
            .map(|day| {
                let working = day == 12 || day == 15;
                crate::roster::RosterRow {
                    agent_id: "B7".into(),
                    date: d(day),
                    start: working.then_some(540),
                    activity: if working {
                        crate::roster::Activity::Shift
                    } else {
                        crate::roster::Activity::Off
                    },
                    end: working.then_some(1020),
                    queue: "support".into(),
                }
            })
            .collect();
        let tz = chrono_tz::America::New_York;
        let view = Published::from_rows(&rows, &[], tz).unwrap();
        let text = calendar_text(&view, &view.agents[0]);
        let parsed = events(&text);
        assert_eq!(parsed.len(), 2);
        let utc = |at: &DatePerhapsTime| match at {
            DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
                let zone: Tz = tzid.parse().unwrap();
                zone.from_local_datetime(date_time)
                    .single()
                    .unwrap()
                    .with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            }
            other => panic!("not a zoned time: {other:?}"),
        };
        assert_eq!(parsed[0].2, local(d(12), 9, 0, "America/New_York"));
        assert_eq!(parsed[1].2, local(d(15), 9, 0, "America/New_York"));
        assert_eq!(utc(&parsed[0].2), "2027-03-12 14:00");
        assert_eq!(utc(&parsed[1].2), "2027-03-15 13:00");
        assert_eq!(utc(&parsed[1].3), "2027-03-15 21:00");

        // The VTIMEZONE parses back and names the change: 02:00 EST becomes EDT.
        let calendar: Calendar = text.parse().unwrap();
        let zone = calendar
            .components
            .iter()
            .find_map(|c| match c {
                CalendarComponent::Other(o) if o.component_kind() == "VTIMEZONE" => Some(o),
                _ => None,
            })
            .expect("a VTIMEZONE");
        assert_eq!(zone.property_value("TZID"), Some("America/New_York"));
        let parts: Vec<[String; 4]> = zone
            .components()
            .iter()
            .map(|p| {
                let value = |key| p.property_value(key).unwrap_or_default().to_string();
                [
                    p.component_kind(),
                    value("DTSTART"),
                    value("TZOFFSETFROM"),
                    value("TZOFFSETTO"),
                ]
            })
            .collect();
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!(parts[0], ["STANDARD", "20270101T000000", "-0500", "-0500"]);
        assert_eq!(parts[1], ["DAYLIGHT", "20270314T020000", "-0500", "-0400"]);
        assert_eq!(parts[2], ["STANDARD", "20271107T020000", "-0400", "-0500"]);
    }

    #[test]
    fn uids_and_bytes_are_stable_across_runs_and_re_plans() {
        let view = hand_view();
        let first = calendar_text(&view, &view.agents[0]);
        assert_eq!(first, calendar_text(&hand_view(), &hand_view().agents[0]));
        assert!(!first.contains("DTSTAMP:2026") && first.contains("DTSTAMP:20270326T000000Z"));
        // A re-plan that moves A001's shift an hour later keeps every UID.
        let mut rows = hand_rows();
        for row in rows.iter_mut().filter(|r| r.agent_id == "A001") {
            row.start = row.start.map(|s| s + 60);
            row.end = row.end.map(|e| e + 60);
        }
        let moved = Published::from_rows(&rows, &hand_agents(), chrono_tz::Europe::London).unwrap();
        let again = events(&calendar_text(&moved, &moved.agents[0]));
        let before = events(&first);
        let uids = |e: &[(String, String, DatePerhapsTime, DatePerhapsTime)]| {
            e.iter().map(|x| x.0.clone()).collect::<Vec<_>>()
        };
        assert_eq!(uids(&again), uids(&before));
        assert_ne!(again[0].2, before[0].2);
    }

    #[test]
    fn agent_ids_that_cannot_name_a_file_are_refused() {
        assert_eq!(file_name("A001").unwrap(), "A001.ics");
        for bad in ["", "../x", "a/b", ".hidden", "a\\b"] {
            assert!(file_name(bad).is_err(), "{bad}");
        }
    }
}
