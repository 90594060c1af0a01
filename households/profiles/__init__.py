"""The family profile (แฟ้มครอบครัว): one household's case file, or a district's, as an A4 PDF."""
