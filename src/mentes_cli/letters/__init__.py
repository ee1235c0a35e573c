"""Letters to the locations (SPEC 9): what was planned, what changed, what was decided.

`compose` turns the facts of one traject into a `Letter` (subject, plain text, HTML, the
traject's calendar as an attachment), in the chosen language; `texts` reads the centre's own
words (sender, subjects, greeting, signature, what to prepare) from centre.toml; the e-mail
draft itself is made by `mentes_cli.export.eml`. Nothing here reads the records or writes a
file: the command gathers the facts and writes the drafts.
"""
