//! The canonical interval table: one row per (queue, interval start) with offered,
//! handled and abandoned calls and handle time, in the site's time zone.
