-- A school's own rule for the tests: aides are mentored by aides or
-- teachers only, and a shared department is worth 4 more.
return function(mentee, mentor, score)
  if mentee.role == "aide" and mentor.role ~= "teacher" and mentor.role ~= "aide" then return false end
  if mentee.department and mentee.department == mentor.department then return score + 4 end
end
