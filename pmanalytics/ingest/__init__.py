"""Import post-mortems written elsewhere: Markdown templates, retro and tracker exports, JSON."""
