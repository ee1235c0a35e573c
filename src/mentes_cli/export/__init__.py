"""Workbooks and calendars written for people."""
