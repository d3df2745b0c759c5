"""Letters to legislators: the supporter pages (views) and the organizer pages (admin)."""
