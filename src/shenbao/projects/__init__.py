"""Projects: from a signed agreement to the final report, with KPI targets against actuals."""
