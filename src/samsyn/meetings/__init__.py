"""Meetings on a case (issue 15): invitations with iCalendar, answers, minutes whose points
become measures or tasks, and reminders through the job queue (ADR 014)."""
