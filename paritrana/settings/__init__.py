"""Settings: `base` holds everything shared; `development` and `production` choose the rest."""
