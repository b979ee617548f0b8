"""Plans (issue 13): the four actors' plans on a case, one common list of measures,
versions stored as shown, the person's approval, the employer's plan för återgång i
arbete with its PDF, and the "no plan needed" decision."""
